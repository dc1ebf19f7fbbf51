using Marten;
using Npgsql;
using Tracing.Projections.Databases;

namespace Tracing.Projections.Events;

/// <summary>How far the async read models trail the event log: the head minus the slowest async projection's position.</summary>
public sealed record ProjectionLag(long Head, long Slowest)
{
    public long Events => Math.Max(0, Head - Slowest);
}

/// <summary>
/// Reads projection progress from <c>mt_event_progression</c> in one small query. The head is the larger of Marten's
/// high-water mark and the event sequence, so a daemon that stopped altogether (mark frozen) still shows as lag.
/// An async projection without a progress row yet counts as position 0. With several databases (ADR 0031) each has its own
/// log and daemon: the answer is the database that trails most.
/// </summary>
public sealed class ProjectionProgress(WorkspaceDatabases databases, TracingStoreSettings settings, IDocumentStore store)
{
    private string[]? _shards;

    public async Task<ProjectionLag> MeasureAsync(CancellationToken ct)
    {
        _shards ??= store.Advanced.AllAsyncProjectionShardNames().Select(s => s.Identity).ToArray();
        ProjectionLag? worst = null;
        foreach (var name in databases.Names)
        {
            var lag = await MeasureAsync(databases.Source(name), ct);
            if (worst is null || lag.Events > worst.Events) worst = lag;
        }
        return worst!;
    }

    /// <summary>The lag of the database that holds <paramref name="workspace"/>: sequences are per database.</summary>
    public Task<ProjectionLag> MeasureForAsync(string workspace, CancellationToken ct)
    {
        _shards ??= store.Advanced.AllAsyncProjectionShardNames().Select(s => s.Identity).ToArray();
        return MeasureAsync(databases.For(workspace), ct);
    }

    private async Task<ProjectionLag> MeasureAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var s = settings.Schema;
        await using var cmd = dataSource.CreateCommand(
            $"select greatest(coalesce((select last_seq_id from {s}.mt_event_progression where name = 'HighWaterMark'), 0), " +
            $"(select case when is_called then last_value else 0 end from {s}.mt_events_sequence)), " +
            $"(select min(coalesce(p.last_seq_id, 0)) from unnest($1::text[]) as n(name) " +
            $"left join {s}.mt_event_progression p on p.name = n.name)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _shards });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var head = r.GetInt64(0);
        return new ProjectionLag(head, r.IsDBNull(1) ? head : r.GetInt64(1));
    }
}
