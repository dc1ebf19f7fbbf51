using Npgsql;

namespace Tracing.Projections.Databases;

/// <summary>The placement table in the main database: one row per workspace, written once (ADR 0031).</summary>
internal sealed class WorkspacePlacementTable(NpgsqlDataSource main, string schema)
{
    private string Table => $"{schema}.workspace_databases";

    public async Task EnsureAsync(CancellationToken ct)
    {
        await using var cmd = main.CreateCommand(
            $"create schema if not exists {schema}; " +
            $"create table if not exists {Table} (workspace_id text primary key, database text not null, " +
            "placed_at timestamptz not null default now())");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Inserts the placement unless one exists and answers the stored one. Without a named database the least-used of
    /// <paramref name="names"/> is chosen (ties by name), so new workspaces spread over the databases.
    /// </summary>
    public async Task<string> PlaceAsync(string workspace, string? database, string[] names, CancellationToken ct)
    {
        // On conflict the statement waits for a placement another node is committing and answers the stored row, even
        // one committed after this statement's snapshot began (a no-op update locks and returns it), so no re-read loop.
        // Runs once per workspace and node: the dead row version of the no-op update is rare.
        await using var cmd = main.CreateCommand(
            $"with pick as (select coalesce($2, (select n.name from unnest($3::text[]) as n(name) " +
            $"left join {Table} w on w.database = n.name group by n.name order by count(w.workspace_id), n.name limit 1))) " +
            $"insert into {Table} as t (workspace_id, database) select $1, (select * from pick) " +
            "on conflict (workspace_id) do update set database = t.database returning t.database");
        cmd.Parameters.Add(new NpgsqlParameter { Value = workspace });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)database ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = names });
        return await cmd.ExecuteScalarAsync(ct) as string
            ?? throw new InvalidOperationException($"Workspace '{workspace}' could not be placed.");
    }

    public async Task<Dictionary<string, long>> CountsAsync(CancellationToken ct)
    {
        await using var cmd = main.CreateCommand($"select database, count(*) from {Table} group by database");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) counts[r.GetString(0)] = r.GetInt64(1);
        return counts;
    }
}
