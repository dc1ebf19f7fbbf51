using System.Text.Json;
using JasperFx.Events;
using Marten.Events.Aggregation;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;

namespace Tracing.Projections.Sessions;

/// <summary>The session read model behind GET /api/traces/{id} and GET /api/sessions (async projection).</summary>
public sealed class SessionSummary
{
    public string Id { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string? Agent { get; set; }
    public string? Name { get; set; }
    public JsonElement? Metadata { get; set; }
    public string Status { get; set; } = SessionStatus.Active;
    public string? EndReason { get; set; }
    public long EventCount { get; set; }
    public long LastSeq { get; set; }
    public long GapCount { get; set; }
    public long ErrorCount { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FirstEventAt { get; set; }
    public DateTimeOffset? LastEventAt { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public decimal CostUsd { get; set; }

    /// <summary>Global event-store position of the session's creation: a stable, rebuild-proof list cursor.</summary>
    public long CreatedPosition { get; set; }
}

[Tracing.Projections.Rebuilds.ReplayFromLog]
public sealed partial class SessionSummaryProjection : SingleStreamProjection<SessionSummary, string>
{
    public SessionSummary Create(IEvent<SessionStarted> e) => new()
    {
        SessionId = e.Data.SessionId,
        ProjectId = e.Data.ProjectId,
        Agent = e.Data.Agent,
        Name = e.Data.Name,
        Metadata = e.Data.Metadata,
        StartedAt = e.Data.StartedAt,
        CreatedAt = e.Data.CreatedAt,
        CreatedPosition = e.Sequence,
    };

    public void Apply(TraceEventRecorded e, SessionSummary s)
    {
        if (e.Seq > s.LastSeq + 1) s.GapCount++;
        s.LastSeq = e.Seq;
        s.EventCount++;
        s.FirstEventAt ??= e.ReceivedAt;
        s.LastEventAt = e.ReceivedAt;
        if (EventFacts.IsError(e)) s.ErrorCount++;
        var (input, output, cost) = EventFacts.Usage(e);
        s.InputTokens += input;
        s.OutputTokens += output;
        s.CostUsd += cost;
        if (e.Type == EventTypes.SessionEnded)
        {
            s.Status = SessionEnd.SessionStatusAfter(e.Payload);
            s.EndReason = EventFacts.Str(e.Payload, "reason");
        }
    }
}
