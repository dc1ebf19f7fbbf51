using System.Text.Json;
using Tracing.Domain.Events;

namespace Tracing.Domain.Fleet;

/// <summary>
/// The searchable and measurable facts of one stored event, read from its documented payload fields (docs/events.md).
/// Pure: the fleet projection and the tests' brute-force computations share it.
/// </summary>
public sealed record StepFacts(
    string? Tool, string? Model, string? Provider, string? ErrorType, string? FinishReason, string? CallId,
    long? InputTokens, long? OutputTokens, long CachedInputTokens, decimal? ReportedCost, double? ReportedDurationMs, bool IsError)
{
    public bool IsLlmCall => Type == EventTypes.LlmResponse;
    public bool IsToolCall => Type == EventTypes.ToolResult;
    public string Type { get; private init; } = "";

    /// <summary>
    /// A response or result that carries its request or call (ADR 0034) takes what it leaves out from the carried part:
    /// tool and call id, model and provider, and the request's input tokens when it reports no usage.
    /// </summary>
    public static StepFacts Of(TraceEventRecorded e)
    {
        var p = e.Payload;
        var carried = CarriedParts.Part(e); // what it inherits is p's own, read first below
        var isLlm = e.Type is EventTypes.LlmRequest or EventTypes.LlmResponse;
        var isTool = e.Type is EventTypes.ToolCall or EventTypes.ToolResult;
        var usage = e.Type == EventTypes.LlmResponse && p.ValueKind == JsonValueKind.Object &&
                    p.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
        var input = (usage.ValueKind == JsonValueKind.Object ? Int(usage, "input_tokens") : null)
                    ?? (e.Type == EventTypes.LlmRequest ? Int(p, "input_tokens") : Int(carried, "input_tokens"));
        return new StepFacts(
            isTool ? EventFacts.Str(p, "tool") ?? EventFacts.Str(carried, "tool") : null,
            isLlm ? EventFacts.Str(p, "model") ?? EventFacts.Str(carried, "model") : null,
            isLlm ? EventFacts.Str(p, "provider") ?? EventFacts.Str(carried, "provider") : null,
            ErrorTypeOf(e),
            e.Type == EventTypes.LlmResponse ? EventFacts.Str(p, "finish_reason") : null,
            isTool ? EventFacts.Str(p, "call_id") ?? EventFacts.Str(carried, "call_id") : null,
            input,
            usage.ValueKind == JsonValueKind.Object ? Int(usage, "output_tokens") : null,
            usage.ValueKind == JsonValueKind.Object ? Int(usage, "cached_input_tokens") ?? 0 : 0,
            usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("cost_usd", out var c) &&
                c.ValueKind == JsonValueKind.Number && c.TryGetDecimal(out var d) ? d : null,
            e.Type is EventTypes.LlmResponse or EventTypes.ToolResult ? Number(p, "duration_ms") ?? Number(p, "latency_ms") : null,
            EventFacts.IsError(e)) { Type = e.Type };
    }

    private static string? ErrorTypeOf(TraceEventRecorded e)
    {
        if (e.Type == EventTypes.Error) return EventFacts.Str(e.Payload, "type");
        return e.Payload.ValueKind == JsonValueKind.Object && e.Payload.TryGetProperty("error", out var err) ? EventFacts.Str(err, "type") : null;
    }

    private static long? Int(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static double? Number(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var n) && n >= 0 ? n : null;
}
