using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>
/// One accepted trace event (an LLM call, a tool call, an error...). Stored once per idempotency key.
/// <c>ContentHash</c> identifies the (seq, type, payload) content so retries can be told from conflicts.
/// </summary>
public sealed record TraceEventRecorded(
    string SessionId,
    long Seq,
    string IdempotencyKey,
    string Type,
    DateTimeOffset? Ts,
    string? SpanId,
    string? ParentSpanId,
    JsonElement Payload,
    DateTimeOffset ReceivedAt,
    string ContentHash);
