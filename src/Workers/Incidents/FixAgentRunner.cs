using Marten;
using Microsoft.Extensions.Logging;
using Wolverine;
using Tracing.Domain.Fixes;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;

namespace Tracing.Workers.Incidents;

/// <summary>Propose a fix for an incident (published through the outbox with its <see cref="FixAgentDispatched"/> event).</summary>
public sealed record ProposeFix(string WorkspaceId, string ProjectId, string IncidentId, string DispatchId);

/// <summary>
/// Asks the configured model for a plan and a unified diff against the project's agent configuration, keeps the
/// answer only if its diff applies cleanly (<see cref="UnifiedDiff"/>), and otherwise falls back to the rule for the
/// detector. The model is asked once; recording the answer is its own command (<see cref="RecordFixProposal"/>), so a
/// lost race retries the append, never the paid model call.
/// </summary>
public sealed class FixAgentRunner(IDocumentStore store, FixModelClient model, FixProposalSignal signal,
    ILogger<FixAgentRunner> logger)
{
    public const string Actor = "fix-agent";

    public async Task RunAsync(ProposeFix msg, IMessageBus bus, CancellationToken ct)
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

        await bus.InvokeForTenantAsync(msg.WorkspaceId, new RecordFixProposal(msg.ProjectId, msg.IncidentId, msg.DispatchId, mode, reason,
            plan.Plan, plan.Diff, AgentConfig.Hash(text)), ct);
        signal.Notify();
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
    public static Task Handle(ProposeFix msg, FixAgentRunner runner, IMessageBus bus, CancellationToken ct) => runner.RunAsync(msg, bus, ct);
}
