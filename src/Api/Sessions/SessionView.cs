using Tracing.Api.Infrastructure;
using System.Text.Json;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Sessions;

/// <summary>The session as the API shows it (snake_case on the wire).</summary>
public sealed record SessionView(
    string Id,
    string ProjectId,
    string? Agent,
    string? Name,
    JsonElement? Metadata,
    string Status,
    string? EndReason,
    long EventCount,
    long LastSeq,
    long GapCount,
    long ErrorCount,
    DateTimeOffset? StartedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FirstEventAt,
    DateTimeOffset? LastEventAt,
    long InputTokens,
    long OutputTokens,
    decimal CostUsd)
{
    public static SessionView From(SessionSummary s) => new(
        s.SessionId, s.ProjectId, s.Agent, s.Name, s.Metadata, s.Status, s.EndReason, s.EventCount, s.LastSeq,
        s.GapCount, s.ErrorCount, s.StartedAt, s.CreatedAt, s.FirstEventAt, s.LastEventAt, s.InputTokens,
        s.OutputTokens, s.CostUsd);

    /// <summary>Before the async read model has caught up, the inline head still knows the basics.</summary>
    public static SessionView From(SessionHead h) => new(
        h.SessionId, h.ProjectId, h.Agent, h.Name, h.Metadata, h.Status, null, 0, h.LastSeq, 0, 0,
        h.StartedAt, h.CreatedAt, null, null, 0, 0, 0m);
}
