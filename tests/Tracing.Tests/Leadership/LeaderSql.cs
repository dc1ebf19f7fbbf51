using System.Text.RegularExpressions;
using Npgsql;
using Tracing.Projections.Rebuilds;
using Tracing.Tests.Support;
using Tracing.Workers.Projections;

namespace Tracing.Tests.Leadership;

/// <summary>What PostgreSQL itself says about a schema's leader: its lock session, and what VACUUM can remove.</summary>
public static partial class LeaderSql
{
    public sealed record LockSession(int Pid, string State, string? BackendXmin, bool InTransaction, string ApplicationName);

    /// <summary>The sessions holding the schema's leadership lock (there must never be more than one).</summary>
    public static async Task<List<LockSession>> HoldersAsync(string schema)
    {
        await using var conn = new NpgsqlConnection(AppFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select a.pid, a.state, a.backend_xmin::text, a.xact_start is not null, coalesce(a.application_name, '') " +
            "from pg_locks l join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted " +
            "and (l.classid::bigint << 32 | l.objid::bigint) = $1 and l.objsubid = 1 and l.database = (select oid from pg_database where datname = current_database())", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = LeadershipProbe.BeaconId(schema) });
        var holders = new List<LockSession>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            holders.Add(new LockSession(r.GetInt32(0), r.IsDBNull(1) ? "" : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetBoolean(3), r.GetString(4)));
        return holders;
    }

    public sealed record VacuumReport(long Removed, long Remain, long DeadNotRemovable, string Text);

    /// <summary>VACUUM (VERBOSE) of one table, read from the server's notices ("tuples: R removed, N remain, D are dead but not yet removable").</summary>
    public static async Task<VacuumReport> VacuumAsync(string schema, string table)
    {
        var lines = new List<string>();
        await using var conn = new NpgsqlConnection(AppFixture.ConnectionString);
        conn.Notice += (_, e) => { lock (lines) lines.Add(e.Notice.MessageText + "\n" + e.Notice.Detail); };
        await conn.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"vacuum (verbose) {schema}.{table}", conn)) await cmd.ExecuteNonQueryAsync();
        var text = string.Join("\n", lines);
        var m = Tuples().Match(text);
        if (!m.Success) throw new InvalidOperationException("no tuple line in VACUUM VERBOSE output: " + text);
        return new VacuumReport(long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value), long.Parse(m.Groups[3].Value), text);
    }

    public static async Task TerminateAsync(int pid)
    {
        await using var conn = new NpgsqlConnection(AppFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select pg_terminate_backend($1)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = pid });
        await cmd.ExecuteScalarAsync();
    }

    public static string AppName => LeaderLock.ApplicationName;

    [GeneratedRegex(@"tuples: (\d+) removed, (\d+) remain, (\d+) are dead but not yet removable")]
    private static partial Regex Tuples();
}
