using System.Globalization;
using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>Schema validation of one incoming event. Pure: JSON in, an event or a rejection out.</summary>
public static class EventValidator
{
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxSpanIdLength = 128;
    public const int MaxPayloadBytes = 256 * 1024;

    public static (IncomingEvent? Event, Rejection? Rejection) Validate(int index, JsonElement e, string sessionId)
    {
        if (e.ValueKind != JsonValueKind.Object)
            return Invalid(index, null, null, "event must be a JSON object");

        string? key = null;
        if (e.TryGetProperty("idempotency_key", out var k) && k.ValueKind != JsonValueKind.Null)
        {
            if (k.ValueKind != JsonValueKind.String) return Invalid(index, null, null, "idempotency_key must be a string");
            key = k.GetString()!;
            if (key.Contains('\0')) return Invalid(index, null, null, "idempotency_key must not contain NUL characters");
            if (key.Length is 0 or > MaxIdempotencyKeyLength)
                return Invalid(index, null, null, $"idempotency_key must be 1-{MaxIdempotencyKeyLength} characters");
        }

        if (!e.TryGetProperty("seq", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var seq) || seq < 1)
            return Invalid(index, key, null, "seq is required and must be an integer >= 1");

        if (!e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
            return Invalid(index, key, seq, "type is required and must be a string");
        var type = t.GetString()!;
        if (!EventTypes.IsAllowed(type))
            return Invalid(index, key, seq, $"type '{Truncate(type)}' is not in the event vocabulary (see docs/events.md; use custom.* for your own)");

        DateTimeOffset? ts = null;
        if (e.TryGetProperty("ts", out var tsEl) && tsEl.ValueKind != JsonValueKind.Null)
        {
            if (tsEl.ValueKind != JsonValueKind.String ||
                !DateTimeOffset.TryParse(tsEl.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return Invalid(index, key, seq, "ts must be an ISO 8601 timestamp");
            ts = parsed.ToUniversalTime();
        }

        var (spanId, spanError) = OptionalId(e, "span_id");
        if (spanError is not null) return Invalid(index, key, seq, spanError);
        var (parentSpanId, parentError) = OptionalId(e, "parent_span_id");
        if (parentError is not null) return Invalid(index, key, seq, parentError);

        JsonElement payload;
        if (!e.TryGetProperty("payload", out var p) || p.ValueKind == JsonValueKind.Null)
            payload = EmptyObject;
        else if (p.ValueKind != JsonValueKind.Object)
            return Invalid(index, key, seq, "payload must be a JSON object");
        else
            payload = p;

        if (JsonSafety.Utf8Length(payload) > MaxPayloadBytes)
            return Invalid(index, key, seq, $"payload exceeds {MaxPayloadBytes} bytes");

        if (JsonSafety.ContainsNul(payload))
            return Invalid(index, key, seq, "payload must not contain NUL (U+0000) characters");

        var payloadError = PayloadRules.Check(type, payload);
        if (payloadError is not null) return Invalid(index, key, seq, payloadError);

        key ??= EventIdentity.DefaultIdempotencyKey(sessionId, seq);
        return (new IncomingEvent(index, seq, key, type, ts, spanId, parentSpanId, payload.Clone(),
            EventIdentity.ContentHash(seq, type, payload)), null);
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static (string? Value, string? Error) OptionalId(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return (null, null);
        if (v.ValueKind != JsonValueKind.String) return (null, $"{name} must be a string");
        var s = v.GetString()!;
        if (s.Contains('\0')) return (null, $"{name} must not contain NUL characters");
        return s.Length is 0 or > MaxSpanIdLength ? (null, $"{name} must be 1-{MaxSpanIdLength} characters") : (s, null);
    }

    private static (IncomingEvent?, Rejection?) Invalid(int index, string? key, long? seq, string reason) =>
        (null, new Rejection(index, key, seq, Rejection.Invalid, reason));

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
