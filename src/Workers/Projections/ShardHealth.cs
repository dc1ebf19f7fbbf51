using System.Collections.Concurrent;

namespace Tracing.Workers.Projections;

public sealed record ShardStatus(string Shard, string State, string? Cause, DateTimeOffset Since, int Restarts);

public static class ShardStates
{
    public const string Running = "running";
    public const string Dead = "dead";
    public const string Switching = "switching";
}

/// <summary>
/// What the supervisor last saw of each async projection shard on this node: read by the readiness check and the
/// metrics. Empty on a node that is not the projection leader (its shards run elsewhere).
/// </summary>
public sealed class ShardHealth
{
    private readonly ConcurrentDictionary<string, ShardStatus> _shards = new(StringComparer.Ordinal);

    public bool IsLeader { get; private set; }

    public IReadOnlyList<ShardStatus> Snapshot() => _shards.Values.OrderBy(s => s.Shard, StringComparer.Ordinal).ToList();

    public int DeadCount => _shards.Values.Count(s => s.State == ShardStates.Dead);

    public ShardStatus? Find(string shard) => _shards.GetValueOrDefault(shard);

    internal void Set(ShardStatus status) { IsLeader = true; _shards[status.Shard] = status; }

    internal void NotLeader() { IsLeader = false; _shards.Clear(); }
}
