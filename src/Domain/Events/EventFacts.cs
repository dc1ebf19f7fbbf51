using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>Facts read from a stored event's documented payload fields. Pure and shared by read models and detectors.</summary>
public static class EventFacts
{
    public static bool IsError(TraceEventRecorded e) => e.Type switch
    {
        EventTypes.Error => true,
        EventTypes.ToolResult => Bool(e.Payload, "ok") == false || Has(e.Payload, "error"),
        EventTypes.LlmResponse => Has(e.Payload, "error") || Str(e.Payload, "finish_reason") == "error",
        _ => false,
    };

    public static (long Input, long Output, decimal Cost) Usage(TraceEventRecorded e)
    {
        if (e.Type != EventTypes.LlmResponse || !e.Payload.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object)
            return (0, 0, 0m);
        return (Long(u, "input_tokens"), Long(u, "output_tokens"),
            u.TryGetProperty("cost_usd", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetDecimal(out var d) ? d : 0m);
    }

    public static string? Str(JsonElement p, string name) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool? Bool(JsonElement p, string name) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean() : null;

    public static long Long(JsonElement p, string name) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    public static bool Has(JsonElement p, string name) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
}
