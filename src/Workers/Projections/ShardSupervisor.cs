using JasperFx;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Projections.Rebuilds;
using Tracing.Workers.Hosting;

namespace Tracing.Workers.Projections;

/// <summary>
/// On the projection leader, checks every async shard once per poll: a shard that stopped or paused (a handler threw,
/// a progression conflict, a kill) is logged once with its cause, reported dead (readiness, metric) and restarted
/// with exponential backoff until it runs again. Marten's daemon retries transient errors itself; this catches what
/// it gives up on, which used to leave a read model frozen until the process restarted.
/// </summary>
public sealed class ShardSupervisor(LeaderDaemon leader, AsyncProjectionCatalog catalog, ShardControl control, ShardHealth health,
    ProjectionMetrics metrics, SupervisionOptions options, TimeProvider clock, ILogger<ShardSupervisor> log) : BackgroundService
{
    /// <summary>A shard's failure episode: consecutive failures (for the backoff) survive a brief recovery.</summary>
    private sealed record Episode(int Failures, DateTimeOffset NextAttempt, bool Dead, DateTimeOffset? RecoveredAt);

    private readonly Dictionary<string, Episode> _episodes = new(StringComparer.Ordinal);
    private DateTimeOffset? _leaderSince;

    /// <summary>A new leader starts its shards one by one: a shard not started yet is not dead before this.</summary>
    private static readonly TimeSpan StartupGrace = TimeSpan.FromSeconds(10);

    protected override Task ExecuteAsync(CancellationToken ct) =>
        Periodic.RunAsync(TimeSpan.FromMilliseconds(Math.Max(50, options.PollMilliseconds)), clock, CheckAsync, log,
            "Checking projection shards failed; checking again shortly", ct);

    public async Task CheckAsync(CancellationToken ct)
    {
        var daemon = leader.Current();
        if (daemon is null) { health.NotLeader(); _episodes.Clear(); _leaderSince = null; return; }
        var agents = daemon.CurrentAgents().GroupBy(a => a.Name.Identity).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        _leaderSince ??= now;
        foreach (var shard in catalog.All.SelectMany(p => p.Shards))
        {
            var previous = health.Find(shard);
            var restarts = previous?.Restarts ?? 0;
            if (control.IsHeld(shard))
            {
                health.Set(new ShardStatus(shard, ShardStates.Switching, null, now, restarts));
                continue;
            }
            agents.TryGetValue(shard, out var agent);
            _episodes.TryGetValue(shard, out var episode);
            if (agent?.Status == AgentStatus.Running)
            {
                if (episode is { Dead: true })
                {
                    log.LogInformation("Projection shard {Shard} is running again", shard);
                    _episodes[shard] = episode with { Dead = false, RecoveredAt = now };
                }
                else if (episode?.RecoveredAt is { } at && now - at > TimeSpan.FromSeconds(options.MaxRestartSeconds))
                    _episodes.Remove(shard); // stable again: the next failure starts from the first backoff step
                if (previous?.State != ShardStates.Running) health.Set(new ShardStatus(shard, ShardStates.Running, null, now, restarts));
                continue;
            }

            if (agent is null && now - _leaderSince < StartupGrace) continue;
            var cause = agent?.Failure is { } f ? Describe(f) : agent is null ? "not running" : $"agent {agent.Status}";
            if (episode is not { Dead: true })
            {
                // Logged once per failure episode, with the cause; the restart attempts that follow are debug noise.
                var failures = (episode?.Failures ?? 0) + 1;
                var delay = options.Backoff(failures);
                log.LogError("Projection shard {Shard} stopped ({Cause}); restarting it in {Delay} s", shard, cause, delay.TotalSeconds);
                _episodes[shard] = new Episode(failures, now + delay, true, null);
                health.Set(new ShardStatus(shard, ShardStates.Dead, cause, now, restarts));
                continue;
            }
            if (now < episode.NextAttempt) continue;
            try
            {
                await daemon.StartAgentAsync(shard, ct);
                metrics.Restarted(shard);
                restarts++;
                log.LogDebug("Restarted projection shard {Shard} (failure {Failures})", shard, episode.Failures);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                log.LogDebug(ex, "Restarting projection shard {Shard} failed", shard);
            }
            health.Set(new ShardStatus(shard, ShardStates.Dead, cause, previous?.Since ?? now, restarts));
            _episodes[shard] = episode with { Failures = episode.Failures + 1, NextAttempt = now + options.Backoff(episode.Failures + 1) };
        }
    }

    /// <summary>The failure and, when it wraps one, its root cause (the handler's own exception).</summary>
    private static string Describe(JasperFx.Events.Daemon.ShardFailure f)
    {
        var text = $"{f.ExceptionType}: {f.Message}";
        var inner = f.Detail?.Split(" ---> ").Skip(1).LastOrDefault()?.Split('\n')[0].Trim();
        return string.IsNullOrEmpty(inner) ? text : $"{text}; caused by {inner}";
    }
}
