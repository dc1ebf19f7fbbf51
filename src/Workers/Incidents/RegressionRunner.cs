using Marten;
using Microsoft.Extensions.Logging;
using Tracing.Domain.Audit;
using Tracing.Domain.Regression;
using Tracing.Projections;

namespace Tracing.Workers.Incidents;

/// <summary>Replay the sessions of a stored regression run (durable local queue; redelivered or re-published when abandoned).</summary>
public sealed record RunRegression(string WorkspaceId, string RunId);

public sealed class RegressionOptions
{
    /// <summary>After-sessions needed for a <c>fixed</c> verdict (fewer is <c>inconclusive</c>).</summary>
    public int MinAfterSessions { get; set; } = 2;
    /// <summary>A run not updated for this long is considered abandoned by its worker and re-published.</summary>
    public int LeaseSeconds { get; set; } = 60;
    /// <summary>How often each node looks for abandoned runs (and once at start-up).</summary>
    public int RecoverySeconds { get; set; } = 30;
}

/// <summary>Observes progress; the default does nothing (tests use it to stop a worker half-way).</summary>
public interface IRegressionRunListener
{
    ValueTask SessionReplayedAsync(string runId, SessionReplay replay, CancellationToken ct);
}

internal sealed class NoRegressionRunListener : IRegressionRunListener
{
    public ValueTask SessionReplayedAsync(string runId, SessionReplay replay, CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>
/// The side-effect shell of a regression run: claim the run with a lease (optimistic concurrency on the document),
/// replay each pending session and save its result before the next, then decide the verdict (pure) and complete.
/// A run whose worker dies keeps its saved results; whoever picks it up next continues where it stopped.
/// </summary>
public sealed class RegressionRunner(IDocumentStore store, SessionReplayer replayer, RegressionOptions options,
    IRegressionRunListener listener, TimeProvider clock, ILogger<RegressionRunner> logger)
{
    /// <summary>Identifies this process as a lease holder.</summary>
    private readonly string _node = Guid.NewGuid().ToString("N")[..12];

    public async Task RunAsync(RunRegression msg, CancellationToken ct)
    {
        try
        {
            if (!await ClaimAsync(msg, ct)) return;
            while (true)
            {
                await using var session = store.LightweightSession(msg.WorkspaceId);
                var run = await session.LoadAsync<RegressionRun>(msg.RunId, ct);
                if (run is null || run.Status == RegressionStatus.Completed || run.LeaseOwner != _node) return;
                var next = run.Pending().FirstOrDefault();
                if (next.SessionId is null)
                {
                    Complete(session, run);
                    await session.SaveChangesAsync(ct);
                    return;
                }
                var replay = await replayer.ReplayAsync(msg.WorkspaceId, run.ProjectId, next.SessionId, next.Phase, run.Fingerprint, ct);
                run.Results.Add(replay);
                Renew(run);
                session.Store(run);
                await session.SaveChangesAsync(ct);
                await listener.SessionReplayedAsync(run.Id, replay, ct);
            }
        }
        catch (Exception ex) when (LostRace.Is(ex))
        {
            // Another worker took the run over (our lease had expired): it continues from the saved results.
            logger.LogInformation("Regression run {Run} was taken over by another worker", msg.RunId);
        }
    }

    private async Task<bool> ClaimAsync(RunRegression msg, CancellationToken ct)
    {
        await using var session = store.LightweightSession(msg.WorkspaceId);
        var run = await session.LoadAsync<RegressionRun>(msg.RunId, ct);
        if (run is null || run.Status == RegressionStatus.Completed) return false;
        var now = clock.GetUtcNow();
        if (run.LeaseOwner is not null && run.LeaseOwner != _node && run.LeaseUntil > now) return false; // someone is on it
        if (run.LeaseOwner != _node) run.Attempts++;
        run.LeaseOwner = _node;
        run.Status = RegressionStatus.Running;
        run.StartedAt ??= now;
        run.DetectorVersion = replayer.DetectorVersion;
        Renew(run);
        session.Store(run);
        await session.SaveChangesAsync(ct);
        return true;
    }

    private void Renew(RegressionRun run)
    {
        run.UpdatedAt = clock.GetUtcNow();
        run.LeaseUntil = run.UpdatedAt.AddSeconds(options.LeaseSeconds);
    }

    private void Complete(IDocumentSession session, RegressionRun run)
    {
        var verdict = RegressionVerdict.Decide(run.Results, run.MinAfterSessions);
        var now = clock.GetUtcNow();
        run.Status = RegressionStatus.Completed;
        run.Verdict = verdict.Verdict;
        run.VerdictReason = verdict.Reason;
        run.CompletedAt = now;
        run.UpdatedAt = now;
        run.LeaseOwner = null;
        run.LeaseUntil = null;
        session.Store(run);
        session.Store(AuditEntries.New(now, run.ProjectId, AuditActions.RegressionRunCompleted, "regression_run:" + run.Id,
            "regression-runner", before: new { status = RegressionStatus.Running },
            after: new { status = run.Status, verdict = run.Verdict, reason = run.VerdictReason, incident_id = run.IncidentId }));
    }
}
