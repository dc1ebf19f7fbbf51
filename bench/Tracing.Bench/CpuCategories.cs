using System.Text.RegularExpressions;

namespace Tracing.Bench;

/// <summary>One stack sample from <c>perf script -F comm,pid,ip,sym</c>: the thread's name, its process and its frames, leaf first.</summary>
public sealed record CpuSample(string Thread, int Pid, IReadOnlyList<string> Frames);

/// <summary>A share of the machine's busy samples in a phase.</summary>
public sealed record CpuShare(string Process, string Category, int Samples, double Share);

/// <summary>
/// --cpu-profile: sorts a phase's stack samples (both processes, the API and PostgreSQL, on the same cores) into the
/// costs issue 16 asks about. A sample goes to the first rule whose pattern matches any of its frames, so the order
/// says which cost a frame counts towards: an index insert under the append's data-modifying CTEs is the append's,
/// not "index inserts". Pure: the same samples give the same table.
/// </summary>
public static class CpuCategories
{
    public const string PostgreSql = "postgres";
    public const string Dotnet = ".NET";

    private static readonly (string Name, Regex Pattern)[] PostgresRules = Rules(
        ("autovacuum / analyze", @"\b(vacuum|analyze_rel|do_autovacuum)\b"),
        // ri_PerformCheck runs the check through SPI_execute_snapshot, which nothing else on these paths calls (PL/pgSQL
        // functions such as Marten's upserts use SPI_execute_plan_extended).
        ("foreign-key checks (RI triggers)", @"^(RI_FKey\w*|ri_\w+|SPI_execute_snapshot)$"),
        ("commit and WAL flush", @"^(XLogFlush|CommitTransactionCommand|fdatasync)$"),
        ("planning", @"^(pg_plan_queries|standard_planner)$"),
        ("jsonb input (parsing stored JSON)", @"^(jsonb_recv|jsonb_in)$"),
        ("jsonb output (event loads, feeds)", @"^(jsonb_send|jsonb_out|JsonbToCString)$"),
        ("append: data-modifying CTEs", @"^standard_ExecutorFinish$"),
        ("index inserts (other statements)", @"^ExecInsertIndexTuples$"),
        ("executor start-up", @"^(standard_ExecutorStart|ExecInitNode)$"),
        ("statement execution (scans, joins, writes)", @"^standard_ExecutorRun$"),
        ("WAL writer, checkpointer, bgwriter", @"^(WalWriterMain|BackgroundWriterMain|CheckpointerMain|CheckPointGuts)$"));

    private static readonly (string Name, Regex Pattern)[] DotnetRules = Rules(
        ("garbage collection", @"gc_heap|GCHeap|WKS::|SVR::"),
        ("daemon: Fleet projection", @"Tracing\.Projections\.Fleet\.|Tracing\.Domain\.Fleet\."),
        ("daemon: SessionSummary projection", @"SessionSummaryProjection"),
        ("daemon: Marten's event loads, deserialisation and slicing", @"\bMarten\.Events\.Daemon|EventLoader|EventDocumentStorage|ApplyReaderDataToEvent|JasperFx\.Events"),
        ("bench load generator", @"\bTracing\.Bench\."),
        ("append: SQL parameters (Npgsql write)", @"\bSetAppend\b|PgArrayConverter|NpgsqlBatch"),
        ("append: parse, validate, judge", @"\bTracing\.Api\.|\bTracing\.Domain\.Events\."),
        ("Kestrel / ASP.NET Core", @"Kestrel|Microsoft\.AspNetCore\."),
        ("System.Text.Json (other)", @"System\.Text\.Json"),
        ("Npgsql (other)", @"\bNpgsql\b"),
        ("kernel: system calls (sockets, scheduling)", @"^(tcp_\w+|sock_\w+|__sys_\w+|do_syscall_64|__sched_yield|futex_\w+)$"));

    private static (string, Regex)[] Rules(params (string Name, string Pattern)[] rules) =>
        rules.Select(r => (r.Name, new Regex(r.Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant))).ToArray();

    /// <summary>
    /// Which process a sample belongs to: PostgreSQL's backends and background processes, the bench's own process
    /// (<paramref name="ownPid"/>: the API and the load generator), or anything else by its thread's name (another .NET
    /// process, a build, the kernel's workers).
    /// </summary>
    public static string ProcessOf(CpuSample sample, int ownPid) =>
        sample.Thread == "postgres" ? PostgreSql : sample.Pid == ownPid ? Dotnet : sample.Thread;

    /// <summary>The category of one sample: the first rule of its process matching one of its frames, else "other".</summary>
    public static string CategoryOf(CpuSample sample, int ownPid)
    {
        var rules = ProcessOf(sample, ownPid) switch
        {
            PostgreSql => PostgresRules,
            Dotnet => DotnetRules,
            _ => [],
        };
        foreach (var (name, pattern) in rules)
            foreach (var frame in sample.Frames)
                if (pattern.IsMatch(frame)) return name;
        return "other";
    }

    /// <summary>
    /// Shares of the busy samples (the idle task, <c>swapper</c>, left out), largest first; processes other than
    /// PostgreSQL and this one are one line each.
    /// </summary>
    public static List<CpuShare> Summarise(IEnumerable<CpuSample> samples, int ownPid)
    {
        var counts = new Dictionary<(string, string), int>();
        var busy = 0;
        foreach (var s in samples)
        {
            if (s.Thread == "swapper") continue;
            busy++;
            var process = ProcessOf(s, ownPid);
            var key = process is PostgreSql or Dotnet ? (process, CategoryOf(s, ownPid)) : ("other processes", process);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts.Select(kv => new CpuShare(kv.Key.Item1, kv.Key.Item2, kv.Value, busy == 0 ? 0 : (double)kv.Value / busy))
            .OrderByDescending(s => s.Samples).ThenBy(s => s.Process, StringComparer.Ordinal).ThenBy(s => s.Category, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Reads <c>perf script -F comm,pid,ip,sym</c>: a sample is a line with the thread's name (it may hold spaces) and its
    /// process id, then one indented line per frame (address, then symbol; an unresolved frame has none), then a blank line.
    /// </summary>
    public static IEnumerable<CpuSample> Parse(IEnumerable<string> lines)
    {
        string? thread = null;
        var pid = 0;
        var frames = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0 || line.Trim().Length == 0)
            {
                if (thread is not null) yield return new CpuSample(thread, pid, frames);
                thread = null;
                frames = [];
            }
            else if (char.IsWhiteSpace(line[0]) && thread is not null)
            {
                var text = line.Trim();
                var space = text.IndexOf(' ');
                frames.Add(space < 0 ? "" : text[(space + 1)..]);
            }
            else
            {
                if (thread is not null) yield return new CpuSample(thread, pid, frames);
                (thread, pid) = Header(line.Trim());
                frames = [];
            }
        }
        if (thread is not null) yield return new CpuSample(thread, pid, frames);
    }

    private static (string Thread, int Pid) Header(string text)
    {
        var space = text.LastIndexOf(' ');
        return space > 0 && int.TryParse(text.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture, out var pid)
            ? (text[..space].TrimEnd(), pid)
            : (text, 0);
    }
}
