using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>
/// The vocabulary rule "a response or result may carry its request or call" (docs/events.md, ADR 0034): an
/// <c>llm.response</c> with a <c>request</c> object, or a <c>tool.result</c> with a <c>call</c> object, stands for the
/// separate <c>llm.request</c> / <c>tool.call</c> it would otherwise follow. Readers that reason about requests and calls
/// (detectors, fleet fold) read the carried part here, once, as the separate event it stands for: same seq, key, span
/// and parent, its own type, the carried object as payload and <c>started_at</c> as its time. Pure.
/// </summary>
public static class CarriedParts
{
    public const string RequestField = "request";
    public const string CallField = "call";
    public const string StartedAtField = "started_at";

    /// <summary>The field of <paramref name="type"/> that may carry the opening part, and that part's type; null when none.</summary>
    public static (string Field, string Type, string[] Inherited)? RuleFor(string type) => type switch
    {
        EventTypes.LlmResponse => (RequestField, EventTypes.LlmRequest, new[] { "model", "provider" }),
        EventTypes.ToolResult => (CallField, EventTypes.ToolCall, new[] { "tool", "call_id" }),
        _ => null,
    };

    /// <summary>True when the event carries its request or call (a JSON object in the rule's field).</summary>
    public static bool Carries(TraceEventRecorded e) =>
        RuleFor(e.Type) is { } rule && e.Payload.ValueKind == JsonValueKind.Object
        && e.Payload.TryGetProperty(rule.Field, out var part) && part.ValueKind == JsonValueKind.Object;

    /// <summary>
    /// The request or call <paramref name="e"/> carries, as the event it stands for; null when it carries none.
    /// Fields that identify the call (<c>model</c>/<c>provider</c>, <c>tool</c>/<c>call_id</c>) may be left out of the
    /// carried object: it then takes them from the event that carries it.
    /// </summary>
    public static TraceEventRecorded? Of(TraceEventRecorded e) =>
        Part(e) is { ValueKind: JsonValueKind.Object } part && RuleFor(e.Type) is { } rule
            ? e with { Type = rule.Type, Ts = StartedAt(e.Payload), Payload = WithInherited(part, e.Payload, rule.Inherited) }
            : null;

    /// <summary>The carried object as stored (without what it inherits); <c>default</c> when the event carries none.</summary>
    public static JsonElement Part(TraceEventRecorded e) =>
        RuleFor(e.Type) is { } rule && e.Payload.ValueKind == JsonValueKind.Object
        && e.Payload.TryGetProperty(rule.Field, out var part) && part.ValueKind == JsonValueKind.Object ? part : default;

    /// <summary><c>started_at</c> as a time; null when absent or not an ISO 8601 timestamp.</summary>
    public static DateTimeOffset? StartedAt(JsonElement payload) =>
        EventFacts.Str(payload, StartedAtField) is { } s
        && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>The part with the identifying fields it left out copied from the outer event, written once (no DOM).</summary>
    private static JsonElement WithInherited(JsonElement part, JsonElement outer, string[] inherited)
    {
        List<string>? missing = null;
        foreach (var f in inherited)
            if (!EventFacts.Has(part, f) && EventFacts.Has(outer, f)) (missing ??= []).Add(f);
        if (missing is null) return part;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in part.EnumerateObject()) p.WriteTo(w);
            foreach (var f in missing)
            {
                w.WritePropertyName(f);
                outer.GetProperty(f).WriteTo(w);
            }
            w.WriteEndObject();
        }
        return JsonElement.Parse(buffer.WrittenSpan);
    }
}
