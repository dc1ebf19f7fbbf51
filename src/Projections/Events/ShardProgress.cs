using Marten;
using Npgsql;
using Tracing.Projections.Databases;
using Tracing.Projections.Rebuilds;

namespace Tracing.Projections.Events;

/// <summary>One async projection shard's position against the event log's head.</summary>
public sealed record ShardLag(string Shard, long Position, long Head)
{
    public long Events => Math.Max(0, Head - Position);
}

/// <summary>
/// Per-shard positions from <c>mt_event_progression</c> in one small query, for metrics, read-model positions and (reduced
/// to the slowest, <see cref="ProjectionProgress"/>) backpressure. The head is the larger of Marten's high-water mark and
/// the event sequence, so a daemon that stopped altogether (mark frozen) still shows as lag.
/// </summary>
public sealed class ShardProgress(WorkspaceDatabases databases, TracingStoreSettings settings, IDocumentStore store,
    AsyncProjectionCatalog catalog)
{
    private string[]? _all;

    /// <summary>Every async projection shard's name.</summary>
    internal string[] AllShards => _all ??= store.Advanced.AllAsyncProjectionShardNames().Select(s => s.Identity).ToArray();

    /// <summary>Every shard of every database; with several databases (ADR 0031) a shard is named <c>shard@database</c>.</summary>
    public async Task<IReadOnlyList<ShardLag>> MeasureAsync(CancellationToken ct)
    {
        var all = new List<ShardLag>();
        foreach (var name in databases.Names)
        foreach (var lag in await MeasureAsync(databases.Source(name), AllShards, ct))
            all.Add(databases.IsMulti ? lag with { Shard = lag.Shard + "@" + name } : lag);
        return all;
    }

    /// <summary>
    /// How far a read model has been projected in a workspace's database: the lowest position of the async shards that
    /// write its documents. The shard's documents and its position commit together, so a query started after this read
    /// reflects every event up to the position (and maybe more). A reader that follows the log from there (the live
    /// stream's <c>after_seq</c>) misses nothing between the two (ADR 0044).
    /// </summary>
    public async Task<long> PositionOfAsync<TDocument>(string workspace, CancellationToken ct)
    {
        var shards = catalog.All.Where(p => p.DocumentTypes.Contains(typeof(TDocument))).SelectMany(p => p.Shards).ToArray();
        if (shards.Length == 0) throw new InvalidOperationException($"No async projection writes {typeof(TDocument).Name}.");
        return (await MeasureAsync(databases.For(workspace), shards, ct)).Min(s => s.Position);
    }

    internal async Task<List<ShardLag>> MeasureAsync(NpgsqlDataSource dataSource, string[] shards, CancellationToken ct)
    {
        var s = settings.Schema;
        await using var cmd = dataSource.CreateCommand(
            $"select n.name, coalesce(p.last_seq_id, 0), " +
            $"greatest(coalesce((select last_seq_id from {s}.mt_event_progression where name = 'HighWaterMark'), 0), " +
            $"(select case when is_called then last_value else 0 end from {s}.mt_events_sequence)) " +
            $"from unnest($1::text[]) as n(name) left join {s}.mt_event_progression p on p.name = n.name");
        cmd.Parameters.Add(new NpgsqlParameter { Value = shards });
        var result = new List<ShardLag>(shards.Length);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(new ShardLag(r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        return result;
    }
}
