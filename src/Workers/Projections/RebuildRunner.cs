using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Domain.Rebuilds;
using Tracing.Projections.Rebuilds;
using Tracing.Workers.Hosting;

namespace Tracing.Workers.Projections;

/// <summary>
/// Executes requested rebuilds on the node that holds projection leadership, and only there: the one owner of the
/// progression rows (ADR 0012). Polls for a queued request (or one whose executing node lost leadership), claims it,
/// rebuilds each projection blue/green and records progress, rate and ETA on the request as it goes.
/// </summary>
public sealed class RebuildRunner(IDocumentStore store, RebuildWakeup wakeup, LeaderDaemon leader, AsyncProjectionCatalog catalog, BlueGreenRebuild rebuild,
    SupervisionOptions options, TimeProvider clock, ILogger<RebuildRunner> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken ct) =>
        Periodic.RunAsync(TimeSpan.FromMilliseconds(Math.Max(50, options.PollMilliseconds)), clock, async token =>
        {
            if (leader.Current() is not null && await ClaimAsync(token) is { } claimed) await ExecuteAsync(claimed, token);
        }, log, "Looking for rebuild requests failed", ct, wakeup.WaitAsync);

    private async Task<ProjectionRebuild?> ClaimAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await session.QueryAsync<int>("select 1 from pg_advisory_xact_lock(hashtext('tracing.rebuild.request'))", ct);
        var active = await session.Query<ProjectionRebuild>()
            .Where(r => r.Status == RebuildStatus.Queued || r.Status == RebuildStatus.Running)
            .OrderBy(r => r.RequestedAt).FirstOrDefaultAsync(ct);
        // A running rebuild of another node is taken over: leadership is exclusive, so that node has lost it.
        if (active is null || active.Node == leader.NodeId) return null;
        if (active.Node is not null) log.LogWarning("Taking over rebuild {Rebuild} from node {Node}", active.Id, active.Node);
        active.Status = RebuildStatus.Running;
        active.Node = leader.NodeId;
        active.StartedAt ??= clock.GetUtcNow();
        session.Store(active);
        await session.SaveChangesAsync(ct);
        return active;
    }

    private async Task ExecuteAsync(ProjectionRebuild run, CancellationToken ct)
    {
        log.LogInformation("Rebuilding {Projections} ({Rebuild})", string.Join(", ", run.Projections.Select(p => p.Name)), run.Id);
        try
        {
            foreach (var item in run.Projections.Where(p => p.Phase != RebuildPhase.Done))
            {
                var projection = catalog.Find(item.Name) ?? throw new InvalidOperationException($"Projection {item.Name} is no longer registered.");
                var started = clock.GetUtcNow();
                long? first = null;
                await rebuild.RunAsync(projection, async (phase, progress) =>
                {
                    first ??= progress.Processed;
                    var elapsed = clock.GetUtcNow() - started;
                    var (rate, eta) = RebuildRate.Estimate(progress.Processed, progress.Target, elapsed, first.Value);
                    item.Phase = phase;
                    item.Processed = progress.Processed;
                    item.Target = progress.Target;
                    item.EventsPerSecond = rate;
                    item.EtaSeconds = eta;
                    item.ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 1);
                    await SaveAsync(run, CancellationToken.None);
                }, ct);
            }
            run.Status = RebuildStatus.Completed;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogError(ex, "Rebuild {Rebuild} failed", run.Id);
            run.Status = RebuildStatus.Failed;
            run.Error = ex.Message;
        }
        run.FinishedAt = clock.GetUtcNow();
        await SaveAsync(run, CancellationToken.None);
    }

    private async Task SaveAsync(ProjectionRebuild run, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(run);
        await session.SaveChangesAsync(ct);
    }
}
