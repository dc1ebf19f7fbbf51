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
    public static async Task<LogRow[]> ReadAsync(NpgsqlDataSource source, string schema, IReadOnlyList<string> types, long after, long upTo,
        ReplayTimings timings, CancellationToken ct)
    {
        var since = Stopwatch.GetTimestamp();
        await using var cmd = source.CreateCommand(
            $"select seq_id, id, stream_id, tenant_id, version, timestamp, type, data from {schema}.mt_events " +
            "where seq_id > $1 and seq_id <= $2 and type = any($3) and is_archived = false order by seq_id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = after });
        cmd.Parameters.Add(new NpgsqlParameter { Value = upTo });
        cmd.Parameters.Add(new NpgsqlParameter { Value = types.ToArray() });
        var page = new List<LogRow>((int)Math.Min(upTo - after, 10_000));
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var type = r.GetString(6);
                var index = 0;
                while (!string.Equals(types[index], type, StringComparison.Ordinal)) index++;
                page.Add(new LogRow(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                    r.GetFieldValue<DateTimeOffset>(5), index, r.GetFieldValue<byte[]>(7)));
            }
        }
        timings.Read(since, page.Count);
        return [.. page];
    }
}
