using System.Globalization;

namespace Tracing.Bench;

/// <summary>Command-line flags. Defaults finish in well under 5 minutes on 2 cores; --smoke runs everything tiny.</summary>
public sealed class BenchOptions
{
    public bool Smoke { get; private set; }
    public int Sessions { get; private set; } = 4;
    public int[] Batches { get; private set; } = [1, 10, 100];
    public double WarmupSeconds { get; private set; } = 2;
    public double JitWarmupSeconds { get; private set; } = 5;
    public double DurationSeconds { get; private set; } = 10;
    public double RawDurationSeconds { get; private set; } = 5;
    public double HalfDurationSeconds { get; private set; } = 15;
    public double HalfFraction { get; private set; } = 0.5;
    public int RawBatch { get; private set; } = 100;
    public int LagProbeBatch { get; private set; } = 10;
    public int[] ReplaySizes { get; private set; } = [10_000, 100_000];
    public int ReplayRuns { get; private set; } = 5;
    public int PageLimit { get; private set; } = 5000;
    public int SeedBatch { get; private set; } = 1000;
    public double LagDeadlineSeconds { get; private set; } = 30;
    public string Schema { get; private set; } = "tracing_bench";
    public string Output { get; private set; } = "bench-results.json";
    public string? ConnectionString { get; private set; }
    public bool DropSchemaAfter { get; private set; }
    public bool Help { get; private set; }
    public bool Profile { get; private set; }
    public bool CpuProfile { get; private set; }
    public bool SkipDirect { get; private set; }
    public bool AppLogging { get; private set; }
    public bool NoDaemon { get; private set; }
    public List<string> ApiSettings { get; } = [];
    public string[] MedianOf { get; private set; } = [];
    public int[] StreamClients { get; private set; } = [100, 1000];
    public int[] StreamRates { get; private set; } = [1000, 100];
    public double StreamSeconds { get; private set; } = 5;
    public bool SkipStream { get; private set; }
    public bool SkipRebuild { get; private set; }
    public long FleetEvents { get; private set; }
    public bool FleetOnly { get; private set; }
    public int FleetRuns { get; private set; } = 30;
    public bool Console { get; private set; }
    public int ConsoleEvents { get; private set; } = 10_000;
    public bool SkipOtlp { get; private set; }
    public int OtlpSpans { get; private set; } = 100;
    public int LagRuns { get; private set; } = 1;
    public bool LagOnly { get; private set; }
    public bool RebuildOnly { get; private set; }
    public long RebuildEvents { get; private set; }
    public int RebuildRuns { get; private set; } = 1;
    public bool KeepData { get; private set; }
    public bool NoVacuum { get; private set; }

    public const string Usage = """
        Usage: ./tracing bench [flags]

          --smoke                 tiny sizes, a few seconds; exit status 1 if anything failed (CI)
          --sessions N            concurrent sessions (writers) for ingest and raw baselines (default 4)
          --batches 1,10,100      ingest batch sizes (default 1,10,100)
          --warmup S              unmeasured warm-up per ingest phase, seconds (default 2)
          --jit-warmup S          before any ingest phase is measured, run each ingest workload (every batch size, OTLP) S
                                  seconds unmeasured, so tiered compilation has promoted their code (default 5; 0 skips)
          --duration S            measured time per ingest batch size, seconds (default 10)
          --raw-duration S        time per raw baseline (COPY, INSERT), seconds (default 5)
          --raw-batch N           rows per raw COPY / INSERT (default 100)
          --half-duration S       rate-limited half-peak run with lag probes, seconds (default 15)
          --half-fraction F       fraction of peak for the rate-limited run (default 0.5)
          --replay-sizes A,B      events in the replayed sessions (default 10000,100000)
          --replay-runs N         timed reads per replay size after one warm-up read (default 5)
          --page-limit N          limit per replay page (default 5000, the API maximum)
          --seed-batch N          batch size used to seed the replay sessions (default 1000)
          --lag-deadline S        give up waiting for the read model after S seconds (default 30)
          --schema NAME           database schema, dropped and recreated first (default tracing_bench)
          --db CONNSTR            PostgreSQL connection string (default: $TRACING_DB)
          --out PATH              JSON results (default bench-results.json)
          --drop-schema           drop the schema at the end (default in --smoke; --keep-schema overrides)
          --skip-direct           skip the diagnostic ingest that calls EventAppender in-process (no HTTP)
          --app-logging           keep the API's appsettings.json log levels (default: Warning everywhere)
          --no-daemon             diagnostic: run the API without the async projection daemon (no lag figures)
          --api-setting K=V       extra configuration for the API under test (repeatable), e.g. Logging:LogLevel:Marten=Information
          --profile               per phase, sum the time of each SQL statement (Npgsql activities) into the JSON
          --cpu-profile           per phase, sample every core with Linux perf (both the API and PostgreSQL) and sort the
                                  samples into costs (append, index inserts, daemon loads, ...); needs perf and root
          --stream-clients 100,1000  SSE clients per stream case (default 100,1000)
          --stream-rates 1000,100    events/s appended in each stream case (default 1000,100)
          --stream-seconds S      appending time per stream case (default 5)
          --skip-stream / --skip-rebuild
          --fleet                 add the search/stats/export section over 1,000,000 seeded events (issue 14; minutes)
          --fleet-events N        the same over N events (1,000 per session; smoke: 3,000)
          --fleet-only            run only the search/stats/export section (implies --fleet unless --fleet-events)
          --fleet-runs N          timed requests per search filter and stats group_by (default 30)
          --console               only the web console rows: navigation to a 10,000-event timeline, live append-to-visible (Chromium)
          --console-events N      events in the console's navigated session (default 10000)
          --otlp-spans N          spans per OTLP export request (default 100)
          --lag-runs N            repeat the half-of-peak run with lag probes N times (a soak; default 1)
          --lag-only              only the JIT warm-up, the batch-100 closed loop (for the peak) and the lag runs (issue 16)
          --rebuild-only          only the rebuild section (with --rebuild-events: seeded first through the API)
          --rebuild-events N      seed the store to about N events (1,000 per session) before the rebuild
          --rebuild-runs N        rebuild the same store N times (each with its own raw scan; default 1)
          --keep-data             do not drop and recreate the schema first (e.g. rebuild an earlier run's seeded store again)
          --no-vacuum             do not VACUUM (ANALYZE) the bench schema before each measured ingest phase (default: vacuum,
                                  as pgbench does, so no phase pays for the autovacuum of the rows an earlier phase wrote)
          --skip-stream / --skip-rebuild / --skip-otlp
          --median A.json B.json ...  print the per-figure median table of earlier result files and exit
          --help
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        if (args.Contains("--smoke"))
        {
            o.Smoke = true;
            o.Sessions = 2;
            o.WarmupSeconds = 0.3;
            o.JitWarmupSeconds = 0;
            o.DurationSeconds = 1;
            o.RawDurationSeconds = 0.5;
            o.HalfDurationSeconds = 2;
            o.ReplaySizes = [300, 1200];
            o.ReplayRuns = 1;
            o.PageLimit = 500;
            o.SeedBatch = 250;
            o.LagDeadlineSeconds = 20;
            o.Schema = "tracing_bench_smoke";
            o.StreamClients = [5];
            o.StreamRates = [50];
            o.StreamSeconds = 1;
            o.DropSchemaAfter = true;
            o.FleetEvents = 3000;
            o.FleetRuns = 3;
        }

        for (var i = 0; i < args.Length; i++)
        {
            var (name, inline) = Split(args[i]);
            string Value() => inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value"));
            switch (name)
            {
                case "--smoke": break;
                case "--help" or "-h": o.Help = true; break;
                case "--sessions": o.Sessions = Int(name, Value(), 1, 256); break;
                case "--batches": o.Batches = Ints(name, Value(), 1, 1000); break;
                case "--warmup": o.WarmupSeconds = Dbl(name, Value(), 0); break;
                case "--jit-warmup": o.JitWarmupSeconds = Dbl(name, Value(), 0); break;
                case "--duration": o.DurationSeconds = Dbl(name, Value(), 0.1); break;
                case "--raw-duration": o.RawDurationSeconds = Dbl(name, Value(), 0.1); break;
                case "--raw-batch": o.RawBatch = Int(name, Value(), 1, 1000); break;
                case "--half-duration": o.HalfDurationSeconds = Dbl(name, Value(), 0.5); break;
                case "--half-fraction": o.HalfFraction = Dbl(name, Value(), 0.01); break;
                case "--replay-sizes": o.ReplaySizes = Ints(name, Value(), 1, 10_000_000); break;
                case "--replay-runs": o.ReplayRuns = Int(name, Value(), 1, 1000); break;
                case "--page-limit": o.PageLimit = Int(name, Value(), 1, 5000); break;
                case "--seed-batch": o.SeedBatch = Int(name, Value(), 1, 1000); break;
                case "--lag-deadline": o.LagDeadlineSeconds = Dbl(name, Value(), 1); break;
                case "--schema": o.Schema = SchemaName(Value()); break;
                case "--db": o.ConnectionString = Value(); break;
                case "--out": o.Output = Value(); break;
                case "--drop-schema": o.DropSchemaAfter = true; break;
                case "--profile": o.Profile = true; break;
                case "--cpu-profile": o.CpuProfile = true; break;
                case "--skip-direct": o.SkipDirect = true; break;
                case "--app-logging": o.AppLogging = true; break;
                case "--no-daemon": o.NoDaemon = true; break;
                case "--api-setting":
                    var setting = Value();
                    if (!setting.Contains('=')) throw new ArgumentException("--api-setting takes Key=Value, e.g. Logging:LogLevel:Marten=Information");
                    o.ApiSettings.Add(setting);
                    break;
                case "--keep-schema": o.DropSchemaAfter = false; break;
                case "--stream-clients": o.StreamClients = Ints(name, Value(), 1, 5000); break;
                case "--stream-rates": o.StreamRates = Ints(name, Value(), 1, 100_000); break;
                case "--stream-seconds": o.StreamSeconds = Dbl(name, Value(), 0.5); break;
                case "--skip-stream": o.SkipStream = true; break;
                case "--skip-rebuild": o.SkipRebuild = true; break;
                case "--fleet": o.FleetEvents = 1_000_000; break;
                case "--fleet-events": o.FleetEvents = Int(name, Value(), 1000, 100_000_000); break;
                case "--fleet-only": o.FleetOnly = true; if (o.FleetEvents == 0) o.FleetEvents = 1_000_000; break;
                case "--fleet-runs": o.FleetRuns = Int(name, Value(), 1, 10_000); break;
                case "--console": o.Console = true; break;
                case "--console-events": o.ConsoleEvents = Int(name, Value(), 1, 1_000_000); break;
                case "--skip-otlp": o.SkipOtlp = true; break;
                case "--otlp-spans": o.OtlpSpans = Int(name, Value(), 1, 5000); break;
                case "--lag-runs": o.LagRuns = Int(name, Value(), 1, 1000); break;
                case "--lag-only": o.LagOnly = true; break;
                case "--rebuild-only": o.RebuildOnly = true; break;
                case "--rebuild-events": o.RebuildEvents = Int(name, Value(), 1000, 100_000_000); break;
                case "--rebuild-runs": o.RebuildRuns = Int(name, Value(), 1, 100); break;
                case "--keep-data": o.KeepData = true; break;
                case "--no-vacuum": o.NoVacuum = true; break;
                case "--median":
                    o.MedianOf = args[(i + 1)..];
                    if (o.MedianOf.Length == 0) throw new ArgumentException("--median needs result files");
                    i = args.Length;
                    break;
                default: throw new ArgumentException($"unknown flag {args[i]}");
            }
        }
        return o;
    }

    public Dictionary<string, object> Describe() => new()
    {
        ["smoke"] = Smoke, ["sessions"] = Sessions, ["batches"] = Batches, ["warmup_s"] = WarmupSeconds, ["jit_warmup_s"] = JitWarmupSeconds, ["no_vacuum"] = NoVacuum,
        ["duration_s"] = DurationSeconds, ["raw_duration_s"] = RawDurationSeconds, ["raw_batch"] = RawBatch,
        ["half_duration_s"] = HalfDurationSeconds, ["half_fraction"] = HalfFraction, ["replay_sizes"] = ReplaySizes,
        ["replay_runs"] = ReplayRuns, ["page_limit"] = PageLimit, ["seed_batch"] = SeedBatch, ["schema"] = Schema,
        ["no_daemon"] = NoDaemon, ["app_logging"] = AppLogging, ["profile"] = Profile, ["cpu_profile"] = CpuProfile, ["api_settings"] = ApiSettings,
        ["otlp_spans"] = OtlpSpans, ["lag_runs"] = LagRuns, ["lag_only"] = LagOnly, ["rebuild_only"] = RebuildOnly,
        ["rebuild_events"] = RebuildEvents, ["rebuild_runs"] = RebuildRuns,
        ["fleet_events"] = FleetEvents, ["fleet_runs"] = FleetRuns,
    };

    private static (string Name, string? Inline) Split(string arg)
    {
        var eq = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    private static int Int(string name, string v, int min, int max) =>
        int.TryParse(v.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n : throw new ArgumentException($"{name} must be an integer in {min}..{max}");

    private static int[] Ints(string name, string v, int min, int max) =>
        v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => Int(name, x, min, max)).ToArray() is { Length: > 0 } a
            ? a : throw new ArgumentException($"{name} needs at least one value");

    private static double Dbl(string name, string v, double min) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= min
            ? d : throw new ArgumentException($"{name} must be a number >= {min}");

    private static string SchemaName(string v) =>
        System.Text.RegularExpressions.Regex.IsMatch(v, "^[a-z_][a-z0-9_]{0,62}$") && v is not ("tracing" or "tracing_tests" or "public")
            ? v : throw new ArgumentException("--schema must be a lower-case identifier other than tracing, tracing_tests and public");
}
