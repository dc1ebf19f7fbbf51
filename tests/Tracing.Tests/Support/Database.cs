using Npgsql;

namespace Tracing.Tests.Support;

public static class Database
{
    public static async Task DropSchemaAsync(string connectionString, string schema)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"drop schema if exists {schema} cascade", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, params object[] args)
    {
        await using var conn = new NpgsqlConnection(AppFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(map(reader));
        return rows;
    }

    /// <summary>The trace-event seqs of a session in storage (stream version) order.</summary>
    public static Task<List<long>> StoredSeqsAsync(string workspace, string project, string sessionId) =>
        QueryAsync($"select (data->>'seq')::bigint from {AppFixture.Schema}.mt_events where tenant_id = $1 and stream_id = $2 " +
                   "and type = 'trace_event' order by version", r => r.GetInt64(0), workspace, $"{project}/{sessionId}");
}
