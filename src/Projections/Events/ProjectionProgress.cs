using Npgsql;
using Tracing.Projections.Databases;

namespace Tracing.Projections.Events;

/// <summary>How far the async read models trail the event log: the head minus the slowest async projection's position.</summary>
public sealed record ProjectionLag(long Head, long Slowest)
{
    public long Events => Math.Max(0, Head - Slowest);

    /// <summary>The slowest of one database's shards (all measured against the same head); no shard means no lag.</summary>
    public static ProjectionLag Of(IReadOnlyList<ShardLag> shards) =>
        shards.Count == 0 ? new(0, 0) : new(shards[0].Head, shards.Min(s => s.Position));
}

/// <summary>
/// The read models' lag for backpressure, readiness and erasure: <see cref="ShardProgress"/>'s per-shard positions,
/// reduced to the slowest. An async projection without a progress row yet counts as position 0. With several databases
/// (ADR 0031) each has its own log and daemon: the answer is the database that trails most.
/// </summary>
public sealed class ProjectionProgress(WorkspaceDatabases databases, ShardProgress shards)
{
    public async Task<ProjectionLag> MeasureAsync(CancellationToken ct)
    {
        ProjectionLag? worst = null;
        foreach (var name in databases.Names)
        {
            var lag = await MeasureAsync(databases.Source(name), ct);
            if (worst is null || lag.Events > worst.Events) worst = lag;
        }
        return worst!;
    }

    /// <summary>The lag of the database that holds <paramref name="workspace"/>: sequences are per database.</summary>
    public Task<ProjectionLag> MeasureForAsync(string workspace, CancellationToken ct) => MeasureAsync(databases.For(workspace), ct);

    private async Task<ProjectionLag> MeasureAsync(NpgsqlDataSource dataSource, CancellationToken ct) =>
        ProjectionLag.Of(await shards.MeasureAsync(dataSource, shards.AllShards, ct));
}
