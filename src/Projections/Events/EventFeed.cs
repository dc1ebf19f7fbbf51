using Npgsql;
using Tracing.Projections.Databases;

namespace Tracing.Projections.Events;

/// <summary>One stored event as the live stream sees it: its global position and raw JSON.</summary>
public sealed record FeedRow(long Position, string Tenant, string StreamKey, string EventType, string Json);

/// <summary>A backfill page; <see cref="More"/> when it ended at its row limit or its byte budget (read on from its last row).</summary>
public sealed record FeedPage(List<FeedRow> Rows, bool More);

/// <summary>
/// Reads for the live stream (ADR 0005). Everything is bounded by Marten's high-water mark: the highest
/// position below which every sequence number is committed or given up, so a still-committing position N
/// is never overtaken by N+1. Positions are per database (ADR 0031): the node-wide reads name their database, the
/// workspace reads go to the workspace's.
/// </summary>
public sealed class EventFeed(WorkspaceDatabases databases, TracingStoreSettings settings)
{
    private readonly string _schema = settings.Schema;
    private const string Columns = "seq_id, tenant_id, stream_id, type, (data - 'content_hash')::text";

    public async Task<long> HighWaterAsync(string database, CancellationToken ct)
    {
        await using var cmd = databases.Source(database).CreateCommand(
            $"select last_seq_id from {_schema}.mt_event_progression where name = 'HighWaterMark'");
        return await cmd.ExecuteScalarAsync(ct) is long v ? v : 0;
    }

    /// <summary>Every tenant's events in (after, upTo], in position order: what the node-wide hub fans out.</summary>
    public async Task<List<FeedRow>> ReadAllAsync(string database, long after, long upTo, int limit, CancellationToken ct) =>
        (await Query(databases.Source(database), long.MaxValue, $"select {Columns} from {_schema}.mt_events where seq_id > $1 and seq_id <= $2 order by seq_id limit $3",
            ct, after, upTo, limit)).Rows;

    /// <summary>Backfill for a workspace or project stream: one tenant, optionally one project's streams.</summary>
    public Task<FeedPage> ReadTenantAsync(string tenant, string? project, long after, long upTo, int limit, long maxBytes, CancellationToken ct) =>
        project is null
            ? Query(databases.For(tenant), maxBytes, $"select {Columns} from {_schema}.mt_events where tenant_id = $1 and seq_id > $2 and seq_id <= $3 " +
                    "order by seq_id limit $4", ct, tenant, after, upTo, limit)
            : Query(databases.For(tenant), maxBytes, $"select {Columns} from {_schema}.mt_events where tenant_id = $1 and seq_id > $2 and seq_id <= $3 " +
                    "and stream_id like $5 order by seq_id limit $4", ct, tenant, after, upTo, limit, EscapeLike(project) + "/%");

    /// <summary>Backfill for one session: by seq (the session cursor), bounded by position.</summary>
    public Task<FeedPage> ReadSessionAsync(string tenant, string streamKey, long afterSeq, long upTo, int limit, long maxBytes, CancellationToken ct) =>
        Query(databases.For(tenant), maxBytes, $"select {Columns} from {_schema}.mt_events where tenant_id = $1 and stream_id = $2 " +
              $"and type = '{StoreSetup.TraceEventAlias}' and (data ->> 'seq')::bigint > $3 and seq_id <= $4 " +
              "order by (data ->> 'seq')::bigint limit $5", ct, tenant, streamKey, afterSeq, upTo, limit);

    /// <summary>The query's rows, ending early once they hold <paramref name="maxBytes"/> characters of JSON (always at least
    /// one row); rows left unread are skipped by the driver, never materialised.</summary>
    private static async Task<FeedPage> Query(NpgsqlDataSource dataSource, long maxBytes, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var rows = new List<FeedRow>();
        long bytes = 0;
        await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await r.ReadAsync(ct))
        {
            var row = new FeedRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4));
            rows.Add(row);
            bytes += row.Json.Length;
            if (bytes >= maxBytes) return new FeedPage(rows, true);
        }
        return new FeedPage(rows, false);
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
