using System.Diagnostics;
using System.Globalization;

namespace Tracing.Bench;

/// <summary>
/// Where the CPU went during a phase (Linux /proc): this process (API + load generator), the local PostgreSQL
/// processes, and the whole machine. On a 2-core box this tells whether .NET or the database is the limit.
/// PostgreSQL figures are 0 when the server is not local.
/// </summary>
public static class CpuMeter
{
    public sealed record Snapshot(long Timestamp, double AppSeconds, double PgSeconds, double BusySeconds);

    public sealed record Usage(double AppCores, double PgCores, double MachineCores)
    {
        public void AddTo(Dictionary<string, double> metrics)
        {
            metrics["cpu_app_cores"] = AppCores;
            metrics["cpu_pg_cores"] = PgCores;
            metrics["cpu_machine_cores"] = MachineCores;
        }
    }

    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static Snapshot Take()
    {
        double app;
        using (var self = Process.GetCurrentProcess()) app = self.TotalProcessorTime.TotalSeconds;
        return new Snapshot(Stopwatch.GetTimestamp(), app, Postgres(), Busy());
    }

    public static Usage Since(Snapshot start)
    {
        var now = Take();
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, now.Timestamp).TotalSeconds;
        return new Usage((now.AppSeconds - start.AppSeconds) / wall, (now.PgSeconds - start.PgSeconds) / wall,
            (now.BusySeconds - start.BusySeconds) / wall);
    }

    /// <summary>utime+stime of live postgres processes, plus cutime+cstime (reaped backends) of the postmaster.</summary>
    private static double Postgres()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        double ticks = 0;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var name = Path.GetFileName(dir);
                if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres") continue;
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // f[0] is field 3 (state)
                    ticks += Num(f[11]) + Num(f[12]); // utime, stime
                    var parentComm = Path.Combine("/proc", f[1], "comm");
                    var isPostmaster = !File.Exists(parentComm) || File.ReadAllText(parentComm).Trim() != "postgres";
                    if (isPostmaster) ticks += Num(f[13]) + Num(f[14]); // cutime, cstime
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        catch (IOException) { }
        return ticks / TicksPerSecond;
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
