using JasperFx;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;
using Wolverine.Marten;

namespace Tracing.Workers.Incidents;

/// <summary>PATCH of an incident's status and owner; <see cref="IfMatch"/> is the request's If-Match header ("" when absent).</summary>
public sealed record TriageIncident(string WorkspaceId, string ProjectId, string IncidentId, IncidentPatch Patch, string IfMatch,
    string Actor, string? RequestId)
{
    [Identity] public string StreamKey => IncidentIds.StreamKey(ProjectId, IncidentId);
}

/// <param name="Triage">The write model after the change (or as it is, when stale or unchanged).</param>
/// <param name="Stale">If-Match named another state: nothing was recorded.</param>
public sealed record TriageOutcome(IncidentTriage Triage, bool Stale);

/// <summary>Aggregate handler on the incident's own stream: decides against the inline write model, never a read model.</summary>
public static class TriageIncidentHandler
{
    public static (TriageOutcome, Events, IMartenOp) Handle(TriageIncident cmd, [WriteAggregate(Required = false)] IncidentTriage? triage,
        TimeProvider clock)
    {
        var (outcome, events, audit) = Decide(cmd, triage, clock.GetUtcNow());
        return (outcome, [.. events], audit is null ? MartenOps.Nothing() : MartenOps.Store(audit));
    }

    /// <summary>Pure: the current write model (null before the stream's first event), the command and the time in.</summary>
    public static (TriageOutcome Outcome, IReadOnlyList<object> Events, AuditEntry? Audit) Decide(TriageIncident cmd,
        IncidentTriage? current, DateTimeOffset now)
    {
        var triage = current?.Copy() ?? IncidentTriage.Start(cmd.StreamKey, cmd.IncidentId, cmd.ProjectId);
        if (cmd.IfMatch.Length > 0 && !ETags.Matches(cmd.IfMatch, triage.UserVersion, triage.Reopens)) return (new(triage, true), [], null);
        var before = new { status = triage.Status, owner = triage.Owner };
        var events = IncidentTriageDecision.Decide(cmd.IncidentId, cmd.ProjectId, triage.Status, triage.Owner, cmd.Patch, cmd.Actor, now);
        if (events.Count == 0) return (new(triage, false), [], null);
        var version = triage.Version;
        foreach (var e in events) triage.Apply(e, ++version);
        var audit = AuditEntries.New(now, cmd.ProjectId, AuditActions.IncidentUpdated, "incident:" + cmd.IncidentId, cmd.Actor,
            before, new { status = triage.Status, owner = triage.Owner }, cmd.RequestId);
        return (new(triage, false), events, audit);
    }
}
