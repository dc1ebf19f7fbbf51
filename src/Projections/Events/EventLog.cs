using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Tracing.Domain.Events;
using Tracing.Projections.Databases;

namespace Tracing.Projections.Events;

/// <summary>
/// Index-backed reads of trace events straight from Marten's mt_events (ADR 0003): Marten's LINQ cannot
/// filter on event data, and replay must not load a whole stream per page.
/// </summary>
public sealed class EventLog(WorkspaceDatabases databases, TracingStoreSettings settings)
{
    private readonly string _schema = settings.Schema;

    /// <summary>One stored event as UTF-8 JSON (content hash stripped), in seq order. Kept as the bytes PostgreSQL
    /// sent, so replay writes them through without decoding to UTF-16 and encoding back.</summary>
    public sealed record StoredEvent(long Seq, long Position, byte[] Utf8Json)
    {
        public string Json => System.Text.Encoding.UTF8.GetString(Utf8Json);
    }

    /// <summary>The replay page query ($1 tenant, $2 stream key, $3 after seq, $4 limit); served by ix_trace_event_seq.</summary>
    public static string ReplaySql(string schema) =>
        $"select (data ->> 'seq')::bigint, seq_id, (data - 'content_hash')::text from {schema}.mt_events " +
        $"where tenant_id = $1 and stream_id = $2 and type = '{StoreSetup.TraceEventAlias}' and (data ->> 'seq')::bigint > $3 " +
        "order by (data ->> 'seq')::bigint limit $4";

    public async Task<List<StoredEvent>> ReadAsync(string tenant, string streamKey, long afterSeq, int limit, CancellationToken ct)
    {
        await using var cmd = databases.For(tenant).CreateCommand(ReplaySql(_schema));
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = afterSeq });
        cmd.Parameters.Add(new NpgsqlParameter { Value = limit });
        var rows = new List<StoredEvent>(Math.Min(limit, 1024));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new StoredEvent(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
        return rows;
    }

    /// <summary>Rows per query of <see cref="StreamAsync"/>: what a reader that stops early wastes at most.</summary>
    public const int StreamChunk = 64;

    /// <summary>
    /// Up to <paramref name="limit"/> events after <paramref name="afterSeq"/>, yielded one at a time and read in chunks of
    /// <see cref="StreamChunk"/> rows on the seq index: a caller that stops early (a page's byte budget) holds one row
    /// and leaves at most one chunk unread, however large the limit.
    /// </summary>
    public async IAsyncEnumerable<StoredEvent> StreamAsync(string tenant, string streamKey, long afterSeq, int limit,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var left = limit;
        while (left > 0)
        {
            var chunk = Math.Min(left, StreamChunk);
            var got = 0;
            await using (var cmd = databases.For(tenant).CreateCommand(ReplaySql(_schema)))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
                cmd.Parameters.Add(new NpgsqlParameter { Value = streamKey });
                cmd.Parameters.Add(new NpgsqlParameter { Value = afterSeq });
                cmd.Parameters.Add(new NpgsqlParameter { Value = chunk });
                await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
                while (await reader.ReadAsync(ct))
                {
                    var row = new StoredEvent(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
                    got++;
                    afterSeq = row.Seq;
                    yield return row;
                }
            }
            if (got < chunk) yield break;
            left -= got;
        }
    }

    /// <summary>What is already stored under the given deterministic event ids (for duplicate detection).</summary>
    public async Task<Dictionary<string, StoredKey>> FindKeysAsync(string tenant, Guid[] eventIds, CancellationToken ct)
    {
        var found = new Dictionary<string, StoredKey>(StringComparer.Ordinal);
        if (eventIds.Length == 0) return found;
        // The materialized CTE pins the plan to the unique index on id. With "id = any($1) and tenant_id = $2" in one
        // WHERE, stale or skewed statistics (a new schema, a young tenant) make the planner BitmapAnd the id probes with
        // a scan of the tenant's whole slice of pk_mt_events_stream_and_version: 10+ ms per request, growing with the tenant.
        await using var cmd = databases.For(tenant).CreateCommand(
            $"with hits as materialized (select tenant_id, data from {_schema}.mt_events where id = any($1)) " +
            "select data ->> 'idempotency_key', (data ->> 'seq')::bigint, data ->> 'content_hash' from hits where tenant_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = eventIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = reader.GetString(0);
            found[key] = new StoredKey(key, reader.GetInt64(1), reader.GetString(2));
        }
        return found;
    }
}
