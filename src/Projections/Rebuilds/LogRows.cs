using System.Threading.Channels;
using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>One stored event as a replay reads it: the columns an evolver can see, the body still unparsed UTF-8.</summary>
public readonly record struct LogRow(long Seq, Guid Id, string Stream, string Tenant, long Version, DateTimeOffset Timestamp, int Type, byte[] Data);

/// <summary>
/// Reads the event log in pages of a projection's event types, by position up to a ceiling, on one connection: the
/// columns of <see cref="LogRow"/> and nothing else (no join, no type names per row). Each page goes to
/// <paramref name="output"/> as soon as it is read, so the next is read while the last is parsed and applied.
/// </summary>
public static class LogRows
{
    public static async Task ReadAsync(NpgsqlDataSource source, string schema, IReadOnlyList<string> types, long after, long ceiling,
        int pageSize, ChannelWriter<LogRow[]> output, CancellationToken ct)
    {
        try
        {
            await using var conn = await source.OpenConnectionAsync(ct);
            var typeIndex = types.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
            while (after < ceiling)
            {
                await using var cmd = new NpgsqlCommand(
                    $"select seq_id, id, stream_id, tenant_id, version, timestamp, type, data from {schema}.mt_events " +
                    "where seq_id > $1 and seq_id <= $2 and type = any($3) and is_archived = false order by seq_id limit $4", conn);
                cmd.Parameters.Add(new NpgsqlParameter { Value = after });
                cmd.Parameters.Add(new NpgsqlParameter { Value = ceiling });
                cmd.Parameters.Add(new NpgsqlParameter { Value = types.ToArray() });
                cmd.Parameters.Add(new NpgsqlParameter { Value = pageSize });
                var page = new List<LogRow>(pageSize);
                await using (var r = await cmd.ExecuteReaderAsync(ct))
                {
                    while (await r.ReadAsync(ct))
                        page.Add(new LogRow(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                            r.GetFieldValue<DateTimeOffset>(5), typeIndex[r.GetString(6)], r.GetFieldValue<byte[]>(7)));
                }
                if (page.Count == 0) break;
                after = page[^1].Seq;
                await output.WriteAsync([.. page], ct);
                if (page.Count < pageSize) break;
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
            throw;
        }
    }
}
