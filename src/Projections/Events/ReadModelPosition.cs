using Npgsql;
using Tracing.Projections.Databases;
using Tracing.Projections.Rebuilds;

namespace Tracing.Projections.Events;

/// <summary>
/// How far a read model has been projected in a workspace's database: the lowest position of the async shards that write
/// its documents. The shard's documents and its position commit together, so a query started after this read reflects
/// every event up to the position (and maybe more). A reader that follows the log from there (the live stream's
/// <c>after_seq</c>) misses nothing between the two (ADR 0044).
/// </summary>
public sealed class ReadModelPosition(WorkspaceDatabases databases, TracingStoreSettings settings, AsyncProjectionCatalog catalog)
{
    public async Task<long> OfAsync<TDocument>(string workspace, CancellationToken ct)
    {
        var shards = catalog.All.Where(p => p.DocumentTypes.Contains(typeof(TDocument))).SelectMany(p => p.Shards).ToArray();
        if (shards.Length == 0) throw new InvalidOperationException($"No async projection writes {typeof(TDocument).Name}.");
        await using var cmd = databases.For(workspace).CreateCommand(
            $"select coalesce(min(coalesce(p.last_seq_id, 0)), 0) from unnest($1::text[]) as n(name) " +
            $"left join {settings.Schema}.mt_event_progression p on p.name = n.name");
        cmd.Parameters.Add(new NpgsqlParameter { Value = shards });
        return await cmd.ExecuteScalarAsync(ct) is long position ? position : 0;
    }
}
