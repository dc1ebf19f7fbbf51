using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>A schema-valid event of an append request, not yet checked against the session's state.</summary>
public sealed record IncomingEvent(
    int Index,
    long Seq,
    string IdempotencyKey,
    string Type,
    DateTimeOffset? Ts,
    string? SpanId,
    string? ParentSpanId,
    JsonElement Payload,
    string ContentHash);

/// <summary>Why one event of a request was not stored.</summary>
public sealed record Rejection(int Index, string? IdempotencyKey, long? Seq, string Code, string Reason)
{
    public const string Invalid = "invalid";
    public const string Conflict = "conflict";
}
