namespace Tracing.Domain.Fleet;

/// <summary>One trace event as the search index stores it: typed columns, the session's agent, a cost marked computed or not.</summary>
public sealed record SearchRow(
    string Tenant, string ProjectId, string SessionId, long Seq, long Position, string Type,
    string? Tool, string? Model, string? Provider, string? ErrorType, string? FinishReason, string? Agent,
    string? SpanId, string? ParentSpanId, long? InputTokens, long? OutputTokens, decimal? Cost, bool CostComputed,
    double? DurationMs, DateTimeOffset? Ts, DateTimeOffset ReceivedAt, bool IsError);
