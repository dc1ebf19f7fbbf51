using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Tracing.Bench;

/// <summary>
/// Where the CPU went during a phase (Linux /proc): this process (API + load generator), PostgreSQL work done
/// for this run (backends with application_name <see cref="ApplicationName"/> plus the server's background
/// processes), and the whole machine. On a 2-core box this tells whether .NET or the database is the limit,
/// and "other" shows how much of the machine something else (other builds, tests) took. PostgreSQL figures
/// are 0 when the server is not local.
/// </summary>
public static class CpuMeter
{
    public const string ApplicationName = "tracing-bench";

    public sealed record Snapshot(long Timestamp, double AppSeconds, Dictionary<int, (double Cpu, bool Client)> Pg, HashSet<int> Ours, double BusySeconds);

    public sealed record Usage(double AppCores, double PgCores, double MachineCores)
    {
        /// <summary>CPU used by anything else on the machine (other builds, tests, other clients' backends): the noise in the figures.</summary>
        public double OtherCores => Math.Max(0, MachineCores - AppCores - PgCores);

        public void AddTo(Dictionary<string, double> metrics)
        {
            metrics["cpu_app_cores"] = AppCores;
            metrics["cpu_pg_cores"] = PgCores;
            metrics["cpu_machine_cores"] = MachineCores;
            metrics["cpu_other_cores"] = OtherCores;
        }
    }

    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static async Task<Snapshot> TakeAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var ours = new HashSet<int>();
        await using (var cmd = db.CreateCommand("select pid from pg_stat_activity where application_name = $1"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ApplicationName });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ours.Add(r.GetInt32(0));
        }
        double app;
        using (var self = Process.GetCurrentProcess()) app = self.TotalProcessorTime.TotalSeconds;
        return new Snapshot(Stopwatch.GetTimestamp(), app, Postgres(), ours, Busy());
    }

    public static async Task<Usage> SinceAsync(Snapshot start, NpgsqlDataSource db, CancellationToken ct)
    {
        var now = await TakeAsync(db, ct);
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, now.Timestamp).TotalSeconds;
        var ours = new HashSet<int>(start.Ours);
        ours.UnionWith(now.Ours);
        double pg = 0;
        foreach (var (pid, (cpu, client)) in now.Pg)
        {
            if (client && !ours.Contains(pid)) continue; // another application's backend
            pg += cpu - (start.Pg.TryGetValue(pid, out var before) ? before.Cpu : 0);
        }
        return new Usage((now.AppSeconds - start.AppSeconds) / wall, pg / wall, (now.BusySeconds - start.BusySeconds) / wall);
    }

    /// <summary>utime+stime of each live postgres process, and whether it is a client backend (vs walwriter, checkpointer, ...).</summary>
    private static Dictionary<int, (double, bool)> Postgres()
    {
        var result = new Dictionary<int, (double, bool)>();
        if (!OperatingSystem.IsLinux()) return result;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres") continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // f[0] is field 3 (state)
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                // Client backends are titled "postgres: <user> <db> <host>(<port>) <state>".
                var client = cmdline.Contains('(') && cmdline.Contains(')') && !cmdline.Contains("autovacuum", StringComparison.Ordinal);
                result[int.Parse(name, CultureInfo.InvariantCulture)] = ((Num(f[11]) + Num(f[12])) / TicksPerSecond, client);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return result;
    }

    private static double Busy()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal
            var busy = Num(f[1]) + Num(f[2]) + Num(f[3]) + Num(f[6]) + Num(f[7]) + (f.Length > 8 ? Num(f[8]) : 0);
            return busy / TicksPerSecond;
        }
        catch (IOException) { return 0; }
    }

    private static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
