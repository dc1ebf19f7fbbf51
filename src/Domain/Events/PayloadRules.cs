using Tracing.Domain.Sessions;
using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>Type checks for the documented payload fields of well-known event types (docs/events.md).
/// Only fields the detectors read are checked; everything else is kept as sent.</summary>
public static class PayloadRules
{
    private static readonly HashSet<string> FinishReasons = ["stop", "length", "content_filter", "tool_call", "error"];

    public static string? Check(string type, JsonElement p) => type switch
    {
        EventTypes.LlmRequest => LlmRequest(p),
        EventTypes.LlmResponse => Str(p, "model") ?? Enum(p, "finish_reason", FinishReasons) ?? Usage(p) ?? Error(p)
                                  ?? Carried(p, CarriedParts.RequestField, LlmRequest),
        EventTypes.ToolCall => ToolCall(p),
        EventTypes.ToolResult => Str(p, "tool") ?? Str(p, "call_id") ?? Bool(p, "ok") ?? Error(p)
                                 ?? Carried(p, CarriedParts.CallField, ToolCall),
        EventTypes.AgentStep => Int(p, "step"),
        EventTypes.Error => Str(p, "type") ?? Str(p, "message"),
        EventTypes.SessionEnded => Enum(p, SessionEnd.StatusField, SessionEnd.Statuses) ?? Str(p, SessionEnd.ReasonField),
        _ => null,
    };

    private static string? LlmRequest(JsonElement p, string prefix = "payload.") =>
        Str(p, "model", prefix) ?? Str(p, "provider", prefix) ?? Int(p, "input_tokens", prefix);

    private static string? ToolCall(JsonElement p, string prefix = "payload.") => Str(p, "tool", prefix) ?? Str(p, "call_id", prefix);

    /// <summary>A carried request or call (ADR 0034) is checked as the separate event it stands for, and dated by <c>started_at</c>.</summary>
    private static string? Carried(JsonElement p, string field, Func<JsonElement, string, string?> check)
    {
        if (!Present(p, field, out var part)) return null;
        if (part.ValueKind != JsonValueKind.Object) return $"payload.{field} must be an object";
        if (check(part, $"payload.{field}.") is { } bad) return bad;
        return Present(p, CarriedParts.StartedAtField, out _) && CarriedParts.StartedAt(p) is null
            ? $"payload.{CarriedParts.StartedAtField} must be an ISO 8601 timestamp" : null;
    }

    private static string? Usage(JsonElement p)
    {
        if (!p.TryGetProperty("usage", out var u) || u.ValueKind == JsonValueKind.Null) return null;
        if (u.ValueKind != JsonValueKind.Object) return "payload.usage must be an object";
        return Int(u, "input_tokens", "payload.usage.") ?? Int(u, "output_tokens", "payload.usage.") ?? Num(u, "cost_usd", "payload.usage.");
    }

    private static string? Error(JsonElement p)
    {
        if (!p.TryGetProperty("error", out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Object) return "payload.error must be an object";
        return Str(e, "type", "payload.error.") ?? Str(e, "message", "payload.error.");
    }

    private static bool Present(JsonElement p, string name, out JsonElement v) =>
        p.TryGetProperty(name, out v) && v.ValueKind != JsonValueKind.Null;

    private static string? Str(JsonElement p, string name, string prefix = "payload.") =>
        Present(p, name, out var v) && v.ValueKind != JsonValueKind.String ? $"{prefix}{name} must be a string" : null;

    private static string? Bool(JsonElement p, string name, string prefix = "payload.") =>
        Present(p, name, out var v) && v.ValueKind is not (JsonValueKind.True or JsonValueKind.False) ? $"{prefix}{name} must be a boolean" : null;

    private static string? Int(JsonElement p, string name, string prefix = "payload.") =>
        Present(p, name, out var v) && (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n) || n < 0)
            ? $"{prefix}{name} must be a non-negative integer" : null;

    private static string? Num(JsonElement p, string name, string prefix = "payload.") =>
        Present(p, name, out var v) && (v.ValueKind != JsonValueKind.Number || v.GetDouble() < 0)
            ? $"{prefix}{name} must be a non-negative number" : null;

    private static string? Enum(JsonElement p, string name, IReadOnlySet<string> allowed, string prefix = "payload.") =>
        Present(p, name, out var v) && (v.ValueKind != JsonValueKind.String || !allowed.Contains(v.GetString()!))
            ? $"{prefix}{name} must be one of: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}" : null;
}
