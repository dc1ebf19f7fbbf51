using Marten;
using Microsoft.Extensions.Logging;
using Tracing.Domain.Audit;
using Tracing.Domain.Fixes;
using Tracing.Domain.Incidents;
using Tracing.Projections;
using Tracing.Projections.Audit;
using Tracing.Projections.Incidents;

namespace Tracing.Workers.Incidents;

/// <summary>Propose a fix for an incident (published through the outbox with its <see cref="FixAgentDispatched"/> event).</summary>
public sealed record ProposeFix(string WorkspaceId, string ProjectId, string IncidentId, string DispatchId);

/// <summary>
/// Asks the configured model for a plan and a unified diff against the project's agent configuration, keeps the
/// answer only if its diff applies cleanly (<see cref="UnifiedDiff"/>), and otherwise falls back to the rule for the
/// detector. Records <see cref="FixProposed"/> on the incident stream with an audit entry, once per dispatch.
/// </summary>
public sealed class FixAgentRunner(IDocumentStore store, FixModelClient model, FixProposalSignal signal, TimeProvider clock,
    ILogger<FixAgentRunner> logger)
{
    public const string Actor = "fix-agent";
    private const int MaxAttempts = 5;

    public async Task RunAsync(ProposeFix msg, CancellationToken ct)
    {
        Incident? incident;
        AgentConfig? config;
        await using (var query = store.QuerySession(msg.WorkspaceId))
        {
            incident = await query.LoadAsync<Incident>(msg.IncidentId, ct);
            config = await query.LoadAsync<AgentConfig>(msg.ProjectId, ct);
        }
        // The dispatch was accepted against this read model; missing now means an in-place rebuild: retry later.
        if (incident is null) throw new InvalidOperationException($"Incident {msg.IncidentId} is not in the read model yet.");
        if (incident.ProjectId != msg.ProjectId) return;
        var text = config?.Content ?? "";
        var (mode, reason, plan) = await ProposeAsync(incident, text, ct);
        logger.LogInformation("Fix proposal for {Incident}: {Mode} {Reason}", msg.IncidentId, mode, reason);

        var key = IncidentIds.StreamKey(msg.ProjectId, msg.IncidentId);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(msg.WorkspaceId);
            var stream = await session.Events.FetchForWriting<IncidentTriage>(key, ct);
            if (stream.Aggregate is null || !stream.Aggregate.PendingDispatches.Contains(msg.DispatchId)) return; // answered already
            var now = clock.GetUtcNow();
            stream.AppendOne(new FixProposed(msg.IncidentId, msg.ProjectId, msg.DispatchId, mode, reason, plan.Plan, plan.Diff,
                AgentConfig.Hash(text), Actor, now));
            session.Store(AuditEntries.New(now, msg.ProjectId, AuditActions.FixProposed, "incident:" + msg.IncidentId, Actor,
                before: new { dispatch_id = msg.DispatchId, status = "pending" },
                after: new { dispatch_id = msg.DispatchId, status = "proposed", mode, reason }));
            try
            {
                await session.SaveChangesAsync(ct);
                signal.Notify();
                return;
            }
            catch (Exception ex) when (attempt < MaxAttempts && LostRace.Is(ex))
            {
                // A triage change landed meanwhile: append on the newer stream.
            }
        }
    }

    private async Task<(string Mode, string? Reason, FixPlan Plan)> ProposeAsync(Incident incident, string config, CancellationToken ct)
    {
        string reason;
        if (!model.Configured) reason = "model_not_configured";
        else
        {
            var context = new FixContext(incident.Detector, incident.Label, incident.Title, incident.Fingerprint, incident.Occurrences,
                incident.SessionsAffected, incident.Samples.Select(s => s.Summary).ToList(), config);
            var answer = await model.AskAsync(FixPrompt.Messages(context), ct);
            if (answer.Failure is not null) reason = answer.Failure;
            else if (string.IsNullOrWhiteSpace(answer.Diff)) reason = "diff_empty";
            else
            {
                var applied = UnifiedDiff.Apply(config, answer.Diff!);
                if (applied.Applies) return ("model", null, new FixPlan(answer.Plan!, answer.Diff!));
                reason = "diff_does_not_apply: " + applied.Error;
            }
        }
        return ("fallback", reason, FallbackFixes.For(incident.Detector, incident.Label, incident.Title, config));
    }
}

public static class ProposeFixHandler
{
    public static Task Handle(ProposeFix msg, FixAgentRunner runner, CancellationToken ct) => runner.RunAsync(msg, ct);
}
