using System.Text.Json;

namespace Tracing.Api.Events;

// Documentation-only shapes for the OpenAPI document: the endpoints parse bodies themselves
// so that every failure is a precise problem response.

/// <summary>One trace event. <c>seq</c> orders replay; <c>ts</c> is informational only.</summary>
public sealed record EventInput(
    long Seq, string Type, string? IdempotencyKey, DateTimeOffset? Ts, string? SpanId, string? ParentSpanId, JsonElement? Payload);

/// <summary>A batch of at most 1,000 events; valid events are accepted even when others are rejected.</summary>
public sealed record EventBatchInput(IReadOnlyList<EventInput> Events);
