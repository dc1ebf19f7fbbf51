using Npgsql;

namespace Tracing.Projections.Events;

/// <summary>One stored event as the live stream sees it: its global position and raw JSON.</summary>
public sealed record FeedRow(long Position, string Tenant, string StreamKey, string EventType, string Json);

/// <summary>
/// Reads for the live stream (ADR 0005). Everything is bounded by Marten's high-water mark: the highest
/// position below which every sequence number is committed or given up, so a still-committing position N
/// is never overtaken by N+1.
/// </summary>
public sealed class EventFeed(NpgsqlDataSource dataSource, TracingStoreSettings settings)
{
    private readonly string _schema = settings.Schema;
    private const string Columns = "seq_id, tenant_id, stream_id, type, (data - 'content_hash')::text";

    public async Task<long> HighWaterAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"select last_seq_id from {_schema}.mt_event_progression where name = 'HighWaterMark'");
        return await cmd.ExecuteScalarAsync(ct) is long v ? v : 0;
    }

    /// <summary>Every tenant's events in (after, upTo], in position order: what the node-wide hub fans out.</summary>
    public Task<List<FeedRow>> ReadAllAsync(long after, long upTo, int limit, CancellationToken ct) =>
        Query($"select {Columns} from {_schema}.mt_events where seq_id > $1 and seq_id <= $2 order by seq_id limit $3",
            ct, after, upTo, limit);

    /// <summary>Backfill for a workspace or project stream: one tenant, optionally one project's streams.</summary>
    public Task<List<FeedRow>> ReadTenantAsync(string tenant, string? project, long after, long upTo, int limit, CancellationToken ct) =>
        project is null
            ? Query($"select {Columns} from {_schema}.mt_events where tenant_id = $1 and seq_id > $2 and seq_id <= $3 " +
                    "order by seq_id limit $4", ct, tenant, after, upTo, limit)
            : Query($"select {Columns} from {_schema}.mt_events where tenant_id = $1 and seq_id > $2 and seq_id <= $3 " +
                    "and stream_id like $5 order by seq_id limit $4", ct, tenant, after, upTo, limit, EscapeLike(project) + "/%");

    /// <summary>Backfill for one session: by seq (the session cursor), bounded by position.</summary>
    public Task<List<FeedRow>> ReadSessionAsync(string tenant, string streamKey, long afterSeq, long upTo, int limit, CancellationToken ct) =>
        Query($"select {Columns} from {_schema}.mt_events where tenant_id = $1 and stream_id = $2 " +
              $"and type = '{StoreSetup.TraceEventAlias}' and (data ->> 'seq')::bigint > $3 and seq_id <= $4 " +
              "order by (data ->> 'seq')::bigint limit $5", ct, tenant, streamKey, afterSeq, upTo, limit);

    private async Task<List<FeedRow>> Query(string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var rows = new List<FeedRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new FeedRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
        return rows;
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
