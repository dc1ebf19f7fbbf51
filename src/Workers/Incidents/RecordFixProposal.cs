using JasperFx;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;
using Wolverine.Marten;

namespace Tracing.Workers.Incidents;

/// <summary>The fix agent's answer to one dispatch, to record on the incident stream (sent for the workspace's tenant).</summary>
public sealed record RecordFixProposal(string ProjectId, string IncidentId, string DispatchId, string Mode, string? Reason,
    string Plan, string Diff, string ConfigSha256)
{
    [Identity] public string StreamKey => IncidentIds.StreamKey(ProjectId, IncidentId);
}

/// <summary>Aggregate handler: <see cref="FixProposed"/> and its audit entry, once per dispatch.</summary>
public static class RecordFixProposalHandler
{
    public static (Events, IMartenOp) Handle(RecordFixProposal cmd, [WriteAggregate(Required = false)] IncidentTriage? triage, TimeProvider clock)
    {
        var (events, audit) = Decide(cmd, triage, clock.GetUtcNow());
        return ([.. events], audit is null ? MartenOps.Nothing() : MartenOps.Store(audit));
    }

    /// <summary>Pure: nothing when the dispatch is unknown or answered already (a redelivered message).</summary>
    public static (IReadOnlyList<object> Events, AuditEntry? Audit) Decide(RecordFixProposal cmd, IncidentTriage? triage, DateTimeOffset now)
    {
        if (triage is null || !triage.PendingDispatches.Contains(cmd.DispatchId)) return ([], null);
        var proposed = new FixProposed(cmd.IncidentId, cmd.ProjectId, cmd.DispatchId, cmd.Mode, cmd.Reason, cmd.Plan, cmd.Diff,
            cmd.ConfigSha256, FixAgentRunner.Actor, now);
        var audit = AuditEntries.New(now, cmd.ProjectId, AuditActions.FixProposed, "incident:" + cmd.IncidentId, FixAgentRunner.Actor,
            before: new { dispatch_id = cmd.DispatchId, status = "pending" },
            after: new { dispatch_id = cmd.DispatchId, status = "proposed", mode = cmd.Mode, reason = cmd.Reason });
        return ([proposed], audit);
    }
}
