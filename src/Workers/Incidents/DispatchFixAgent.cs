using Tracing.Domain;
using JasperFx;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;
using Wolverine;
using Wolverine.Marten;

namespace Tracing.Workers.Incidents;

/// <summary>POST .../fix-agent: dispatch the fix agent unless a dispatch of the incident is pending and fresh.</summary>
/// <param name="Entropy">Random bytes for a new dispatch id (randomness comes in, the decision stays pure).</param>
public sealed record DispatchFixAgent(string WorkspaceId, string ProjectId, string IncidentId, string Actor, string? RequestId,
    TimeSpan PendingStaleAfter, byte[] Entropy)
{
    [Identity] public string StreamKey => IncidentIds.StreamKey(ProjectId, IncidentId);
}

/// <param name="DispatchId">The new dispatch, or the pending one the request joined.</param>
public sealed record FixDispatch(string DispatchId, bool Joined);

/// <summary>
/// Aggregate handler on the incident stream: a new dispatch records <see cref="FixAgentDispatched"/>, its audit entry and
/// the <see cref="ProposeFix"/> message (Wolverine's Marten outbox) in one transaction. Racing requests serialise on the
/// stream version: the loser is retried by the concurrency policy and joins the winner's dispatch.
/// </summary>
public static class DispatchFixAgentHandler
{
    public static (FixDispatch, Events, IMartenOp, OutgoingMessages) Handle(DispatchFixAgent cmd,
        [WriteAggregate(Required = false)] IncidentTriage? triage, TimeProvider clock)
    {
        var (dispatch, events, audit, message) = Decide(cmd, triage, clock.GetUtcNow());
        var outgoing = new OutgoingMessages();
        if (message is not null) outgoing.Add(message);
        return (dispatch, [.. events], audit is null ? MartenOps.Nothing() : MartenOps.Store(audit), outgoing);
    }

    public static (FixDispatch Dispatch, IReadOnlyList<object> Events, AuditEntry? Audit, ProposeFix? Message) Decide(
        DispatchFixAgent cmd, IncidentTriage? triage, DateTimeOffset now)
    {
        if (triage is { PendingDispatches: [.., var pending], PendingSince: { } since } && now - since < cmd.PendingStaleAfter)
            return (new FixDispatch(pending, true), [], null, null);
        var dispatchId = SortableIds.New("fix_", now, cmd.Entropy);
        var audit = AuditEntries.New(now, cmd.ProjectId, AuditActions.FixAgentDispatched, "incident:" + cmd.IncidentId, cmd.Actor,
            before: triage?.FixProposal is { } p ? new { dispatch_id = p.DispatchId, status = p.Status } : null,
            after: new { dispatch_id = dispatchId, status = "pending" }, cmd.RequestId);
        return (new FixDispatch(dispatchId, false), [new FixAgentDispatched(cmd.IncidentId, cmd.ProjectId, dispatchId, cmd.Actor, now)],
            audit, new ProposeFix(cmd.WorkspaceId, cmd.ProjectId, cmd.IncidentId, dispatchId));
    }
}
