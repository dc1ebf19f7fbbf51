using System.Text.Json;
using Tracing.Domain.Events;

namespace Tracing.Domain.Analysis;

/// <summary>The error an event reports, read from its documented fields (docs/events.md).</summary>
public sealed record ErrorInfo(string? Type, string? Message)
{
    /// <summary>
    /// <c>error</c> events carry type/message at the top level; <c>tool.result</c> and <c>llm.response</c> nest them
    /// under <c>error</c>. A failed tool result without an error object often puts the error text in <c>output</c>.
    /// Null when the event reports no error.
    /// </summary>
    public static ErrorInfo? Of(TraceEventRecorded e)
    {
        var p = e.Payload;
        if (e.Type == EventTypes.Error) return new(EventFacts.Str(p, "type"), EventFacts.Str(p, "message"));
        if (!EventFacts.IsError(e)) return null;
        if (Json.TryGet(p, "error", out var err) && err.ValueKind == JsonValueKind.Object)
            return new(EventFacts.Str(err, "type"), EventFacts.Str(err, "message"));
        return e.Type == EventTypes.ToolResult ? new(null, EventFacts.Str(p, "output")) : new(null, null);
    }

    /// <summary>The error type in one spelling: lower case, separators as underscores (<c>Rate-Limit</c> is <c>rate_limit</c>).</summary>
    public string TypeKey { get; } = Type is null ? "" : Normalize(Type);

    /// <summary>Type key and message, lower case: what <see cref="ErrorClass"/> searches. Computed once per error.</summary>
    public string Text { get; } = $"{(Type is null ? "" : Normalize(Type))} {Message}".ToLowerInvariant();

    private static string Normalize(string s)
    {
        var chars = s.Trim().ToLowerInvariant().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is '-' or ' ' or '.' or '/') chars[i] = '_';
        return new string(chars);
    }
}
