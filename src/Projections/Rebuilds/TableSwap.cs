using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// The switch of a blue/green rebuild: in one transaction the served tables move out to <c>{schema}_retired</c>, the
/// green tables move in under the same names, and the served shard's progression jumps to the green copy's position.
/// Readers see either the old complete tables or the new complete ones (the DDL lock makes them wait a moment, never
/// fail); Marten's functions address tables by name, so they write to the new ones at once.
/// </summary>
public static class TableSwap
{
    /// <summary>Where a switch moves the tables it replaces.</summary>
    public static string RetiredSchemaFor(string schema) => schema + "_retired";

    public static async Task SwapAsync(NpgsqlDataSource dataSource, string schema, AsyncProjection projection, CancellationToken ct)
    {
        var green = GreenStore.SchemaFor(schema);
        var retired = RetiredSchemaFor(schema);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            var sql = new List<string> { $"create schema if not exists {retired}" };
            foreach (var table in projection.Tables)
            {
                sql.Add($"drop table if exists {retired}.{table}");
                sql.Add($"alter table {schema}.{table} set schema {retired}");
                sql.Add($"alter table {green}.{table} set schema {schema}");
            }
            foreach (var s in sql) await Exec(conn, s, ct);
            foreach (var shard in projection.Shards)
            {
                await Exec(conn, $"insert into {schema}.mt_event_progression (name, last_seq_id) " +
                                 $"select $1, last_seq_id from {schema}.mt_event_progression where name = $2 " +
                                 "on conflict (name) do update set last_seq_id = excluded.last_seq_id", ct, shard, GreenStore.ShardFor(shard));
                await Exec(conn, $"delete from {schema}.mt_event_progression where name = $1", ct, GreenStore.ShardFor(shard));
            }
            await tx.CommitAsync(ct);
        }
        foreach (var table in projection.Tables) await Exec(conn, $"drop table if exists {retired}.{table}", ct);
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
