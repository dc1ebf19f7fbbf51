using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Projections.Databases;
using Tracing.Workers.Hosting;

namespace Tracing.Workers.Projections;

/// <summary>
/// One projection leader among all nodes (ADR 0029): each poll, a follower tries the session-level
/// <see cref="LeaderLock"/>; the node that gets it starts its async daemon (every shard and the high-water agent), and
/// keeps checking that its lock session is alive. A leader whose lock session fails stops its daemon at once (a new
/// leader can take the lock as soon as the old session is gone); stopping the host stops the daemon, then unlocks.
/// Marten runs no leadership of its own (no HotCold): its locks held a snapshot for as long as a node led.
/// </summary>
public sealed class ProjectionLeadership(IDocumentStore store, LeaderLock lockSession, LeaderDaemon leader,
    SupervisionOptions options, TimeProvider clock, ILogger<ProjectionLeadership> log) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    /// <summary>One daemon per database (ADR 0031), the main database's first: it is the one rebuilds and supervision use.</summary>
    private IProjectionDaemon[]? _daemons;
    private bool _paused;
    private long _checks;

    /// <summary>Leadership checks made so far (each: a follower's try, or a leader's liveness check).</summary>
    public long Checks => Interlocked.Read(ref _checks);

    protected override Task ExecuteAsync(CancellationToken ct) =>
        Periodic.RunAsync(TimeSpan.FromMilliseconds(Math.Max(50, options.LeadershipPollMilliseconds)), clock, CheckAsync, log,
            "Checking projection leadership failed; checking again shortly", ct);

    public async Task CheckAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Interlocked.Increment(ref _checks);
            if (lockSession.IsHeld)
            {
                if (await lockSession.StillHeldAsync(LockCheckTimeout, ct)) return;
                log.LogWarning("Lost projection leadership (the lock session failed); stopping the projection daemon");
                await StepDownAsync();
                return;
            }
            if (!await lockSession.TryTakeAsync(ct)) return;
            try
            {
                _daemons ??= await BuildDaemonsAsync();
                if (!_paused) foreach (var daemon in _daemons) await daemon.StartAllAsync();
            }
            catch
            {
                await StepDownAsync(); // a leader that cannot start its daemon must not keep the lock: try again next poll
                throw;
            }
            leader.Set(_daemons[0]);
            log.LogInformation("This node ({Node}) is the projection leader", leader.NodeId);
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// The leader projects every database: with workspaces over several databases each has its own event log and
    /// progression (ADR 0031), so one daemon per database, all under the one lock.
    /// </summary>
    private async Task<IProjectionDaemon[]> BuildDaemonsAsync()
    {
        var databases = await store.Storage.AllDatabases();
        if (databases.Count <= 1) return [await store.BuildProjectionDaemonAsync()];
        var daemons = new List<IProjectionDaemon>();
        foreach (var database in databases.OrderBy(d => d.Identifier == WorkspaceDatabases.MainName ? 0 : 1))
            daemons.Add(await store.BuildProjectionDaemonAsync(database.Identifier));
        return [.. daemons];
    }

    /// <summary>A check slower than this counts as a lost session (a dead network link does not fail fast).</summary>
    private TimeSpan LockCheckTimeout => TimeSpan.FromMilliseconds(Math.Max(5000, options.LeadershipPollMilliseconds * 5));

    /// <summary>Stops every shard while a rebuild switches tables; leadership (and the lock) stays with this node.</summary>
    public async Task PauseAsync()
    {
        await _gate.WaitAsync();
        try { _paused = true; foreach (var daemon in _daemons ?? []) await daemon.StopAllAsync(); }
        finally { _gate.Release(); }
    }

    public async Task ResumeAsync()
    {
        await _gate.WaitAsync();
        try { _paused = false; if (lockSession.IsHeld) foreach (var daemon in _daemons ?? []) await daemon.StartAllAsync(); }
        finally { _gate.Release(); }
    }

    private async Task StepDownAsync()
    {
        leader.Set(null);
        try { foreach (var daemon in _daemons ?? []) await daemon.StopAllAsync(); }
        catch (Exception ex) { log.LogWarning(ex, "Stopping the projection daemon failed"); }
        await lockSession.ReleaseAsync();
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        await _gate.WaitAsync(ct);
        try { if (lockSession.IsHeld) await StepDownAsync(); }
        finally { _gate.Release(); }
    }
}
