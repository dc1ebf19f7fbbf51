using System.Text.Json.Nodes;

namespace Tracing.Domain.Otlp;

/// <summary>
/// Which session a span belongs to and what to call its agent. Only span and resource attributes that name a
/// session or an agent are read: the workspace and project always come from the credential, never the payload.
/// </summary>
public static class SessionRouting
{
    public static readonly string[] SessionKeys = ["session.id", "gen_ai.conversation.id"];

    /// <summary><c>session.id</c>, else <c>gen_ai.conversation.id</c> (span first, then resource), else the trace id.</summary>
    public static string SessionOf(SpanData span)
    {
        foreach (var key in SessionKeys)
            if ((Text(span.Attributes, key) ?? Text(span.Resource, key)) is { } id) return id;
        return span.TraceId;
    }

    /// <summary>The span attribute that named the session, if one did (null when the resource or the trace id did).</summary>
    public static string? RoutedBy(SpanData span)
    {
        foreach (var key in SessionKeys)
        {
            if (Text(span.Attributes, key) is not null) return key;
            if (Text(span.Resource, key) is not null) return null;
        }
        return null;
    }

    /// <summary><c>gen_ai.agent.name</c> of the span, else the resource's <c>service.name</c>.</summary>
    public static string? AgentOf(SpanData span) => Text(span.Attributes, "gen_ai.agent.name") ?? Text(span.Resource, "service.name");

    private static string? Text(IReadOnlyDictionary<string, JsonNode?> attributes, string key) =>
        attributes.TryGetValue(key, out var v) && GenAiMessages.TextOf(v) is { Length: > 0 } s ? s : null;
}
