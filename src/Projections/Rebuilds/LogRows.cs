using System.Diagnostics;
using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>One stored event as a replay reads it: the columns an evolver can see, the body still unparsed UTF-8.</summary>
public readonly record struct LogRow(long Seq, Guid Id, string Stream, string Tenant, long Version, DateTimeOffset Timestamp, int Type, byte[] Data);

/// <summary>
/// Reads one range of log positions, <c>(after, upTo]</c>, of a projection's event types in log order: the columns of
/// <see cref="LogRow"/> and nothing else (no join with the streams table, no type names kept per row). Ranges are
/// independent, so several are read at once on connections of their own.
/// </summary>
public static class LogRows
{
    /// <summary>
    /// Reads synchronously: a replay calls this on a thread of its own (one per page in flight), and a synchronous read
    /// of many small rows costs a quarter less CPU than an awaited one per row (measured; docs/performance.md).
    /// </summary>
    /// <returns>The rows in an array from <see cref="System.Buffers.ArrayPool{T}.Shared"/> (a page of rows is past the large-object size):
    /// the caller returns it.</returns>
    public static (LogRow[] Rows, int Count) Read(NpgsqlDataSource source, string schema, string[] types, long after, long upTo, ReplayTimings timings,
        CancellationToken ct)
    {
        var since = Stopwatch.GetTimestamp();
        using var cmd = source.CreateCommand(
            $"select seq_id, id, stream_id, tenant_id, version, timestamp, array_position($3, type::text), data from {schema}.mt_events " +
            "where seq_id > $1 and seq_id <= $2 and type = any($3) and is_archived = false order by seq_id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = after });
        cmd.Parameters.Add(new NpgsqlParameter { Value = upTo });
        cmd.Parameters.Add(new NpgsqlParameter { Value = types });
        ct.ThrowIfCancellationRequested();
        var page = System.Buffers.ArrayPool<LogRow>.Shared.Rent((int)Math.Max(16, upTo - after));
        var count = 0;
        try
        {
            using (ct.Register(cmd.Cancel))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                    page[count++] = new LogRow(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                    r.GetFieldValue<DateTimeOffset>(5), r.GetInt32(6) - 1, r.GetFieldValue<byte[]>(7));
            }
            ct.ThrowIfCancellationRequested();
        }
        catch
        {
            System.Buffers.ArrayPool<LogRow>.Shared.Return(page, clearArray: true);
            throw;
        }
        timings.Read(since, count);
        return (page, count);
    }
}
