using System.Diagnostics;
using Npgsql;

namespace Tracing.Bench.Soak;

/// <summary>One sample: the load's window since the previous one, and the process's and PostgreSQL's state now.</summary>
public sealed record SoakSample(
    double Minute, long Events, double AppendP50Ms, double AppendP99Ms, long AppendFailures, long Rejected429,
    double LagP50Ms, double LagMaxMs, long ShardLagEvents,
    double RssMb, double GcHeapMb, double GcCommittedMb,
    long DeadTuples, long LiveTuples, double HotTablesMb, Dictionary<string, TableState> Tables,
    long OldestXminAge, long Connections, long SseConnected, long SseDelivered, long SseReconnects, long Analyses, long IncidentChanges,
    double LoadAverage);

public sealed record TableState(long Live, long Dead, double Mb);

/// <summary>Reads the state the soak tracks: process memory, the hot tables, the xmin horizon, connections.</summary>
public sealed class SoakSampler(NpgsqlDataSource db, string schema)
{
    /// <summary>The tables every append (or its projections) writes: where dead row versions pile up if VACUUM cannot remove them.</summary>
    public static readonly string[] HotTables =
        ["mt_doc_sessionhead", "mt_streams", "mt_events", "mt_doc_sessionsummary", "mt_event_progression", "mt_doc_incident", "wolverine_incoming_envelopes"];

    /// <summary>The application name of the API's connections in a soak (pg_stat_activity).</summary>
    public const string ApplicationName = "tracing-soak";

    private readonly Stopwatch _since = Stopwatch.StartNew();

    public async Task<SoakSample> TakeAsync(SoakWindow w, long sseConnected, CancellationToken ct)
    {
        var tables = new Dictionary<string, TableState>();
        await using (var cmd = db.CreateCommand(
            "select relname, n_live_tup, n_dead_tup, pg_total_relation_size(relid) from pg_stat_user_tables where schemaname = $1 and relname = any($2)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            cmd.Parameters.Add(new NpgsqlParameter { Value = HotTables });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) tables[r.GetString(0)] = new TableState(r.GetInt64(1), r.GetInt64(2), Math.Round(r.GetInt64(3) / 1048576.0, 2));
        }
        var xminAge = await ScalarAsync("select coalesce(max(age(backend_xmin)), 0)::bigint from pg_stat_activity " +
            "where datname = current_database() and backend_xmin is not null and pid <> pg_backend_pid()", ct);
        // The API's own connections (its pool, Wolverine's, the daemon's), not other clients of the same database.
        var connections = await ScalarAsync($"select count(*) from pg_stat_activity where datname = current_database() and application_name = '{ApplicationName}'", ct);
        var shardLag = await ScalarAsync(
            $"select coalesce((select last_seq_id from {schema}.mt_event_progression where name = 'HighWaterMark'), 0) - " +
            $"coalesce((select min(last_seq_id) from {schema}.mt_event_progression where name not like 'HighWater%'), 0)", ct);

        var gc = GC.GetGCMemoryInfo();
        using var self = Process.GetCurrentProcess();
        double appendP50, appendP99, lagP50, lagMax;
        lock (w.Appends) { appendP50 = w.Appends.Percentile(50); appendP99 = w.Appends.Percentile(99); }
        lock (w.Lag) { lagP50 = w.Lag.Percentile(50); lagMax = w.Lag.Max; }
        return new SoakSample(
            Math.Round(_since.Elapsed.TotalMinutes, 2), Interlocked.Read(ref w.Events), R(appendP50), R(appendP99),
            Interlocked.Read(ref w.AppendFailures), Interlocked.Read(ref w.Rejected429), R(lagP50), R(lagMax), shardLag,
            R(self.WorkingSet64 / 1048576.0), R(gc.HeapSizeBytes / 1048576.0), R(gc.TotalCommittedBytes / 1048576.0),
            tables.Values.Sum(t => t.Dead), tables.Values.Sum(t => t.Live), R(tables.Values.Sum(t => t.Mb)), tables,
            xminAge, connections, sseConnected, Interlocked.Read(ref w.SseDelivered), Interlocked.Read(ref w.SseReconnects),
            Interlocked.Read(ref w.Analyses), Interlocked.Read(ref w.IncidentChanges), LoadAverage());
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>The machine's one-minute load average (Linux), to tell a busy neighbour from a trend.</summary>
    public static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { return double.NaN; }
    }

    private static double R(double v) => double.IsNaN(v) ? double.NaN : Math.Round(v, 2);
}
