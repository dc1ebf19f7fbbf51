using System.Text.Json;
using Tracing.Domain.Events;

namespace Tracing.Tests.Analysis;

/// <summary>Builds stored events the way the store would (default idempotency key, content hash).</summary>
public static class TraceEvents
{
    public const string SessionId = "golden";
    public static readonly DateTimeOffset Received = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TraceEventRecorded Of(long seq, string type, JsonElement payload, DateTimeOffset? ts = null) => new(
        SessionId, seq, EventIdentity.DefaultIdempotencyKey(SessionId, seq), type, ts, null, null, payload.Clone(),
        Received.AddSeconds(seq), EventIdentity.ContentHash(seq, type, payload));

    public static TraceEventRecorded Of(long seq, string type, string payloadJson) =>
        Of(seq, type, JsonDocument.Parse(payloadJson).RootElement);
}
