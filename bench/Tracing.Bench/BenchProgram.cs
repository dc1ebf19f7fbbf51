using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Tracing.Bench;

/// <summary>Entry point of ./tracing bench. <see cref="RunAsync"/> is also what the smoke test calls in-process.</summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        // ./tracing soak: the long-run command (issue 17, ADR 0030), its own flags.
        if (args is ["soak", .. var soak]) return await Soak.SoakProgram.RunAsync(soak, Console.Out, Console.Error, cts.Token);
        return await RunAsync(args, Console.Out, Console.Error, cts.Token);
    }

    /// <summary>Runs the benchmark; 0 when nothing failed (target misses are reported, not failures), 1 on failures, 2 on bad flags.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken ct = default)
    {
        var output = stdout ?? Console.Out;
        var log = stderr ?? Console.Error;
        BenchOptions o;
        try { o = BenchOptions.Parse(args); }
        catch (ArgumentException ex) { await log.WriteLineAsync($"bench: {ex.Message}\n\n{BenchOptions.Usage}"); return 2; }
        if (o.Help) { await output.WriteLineAsync(BenchOptions.Usage); return 0; }
        if (o.MedianOf.Length > 0)
        {
            var rows = Report.Median(o.MedianOf);
            await output.WriteLineAsync($"Median of {o.MedianOf.Length} runs:\n");
            await output.WriteLineAsync(Report.Table(rows));
            await output.WriteLineAsync(Report.Markdown(rows));
            return 0;
        }

        var cs = o.ConnectionString ?? Environment.GetEnvironmentVariable("TRACING_DB");
        if (string.IsNullOrWhiteSpace(cs)) { await log.WriteLineAsync("bench: set TRACING_DB or pass --db (./tracing bench does it for you)"); return 2; }

        if (o.Console)
        {
            var rows = await ConsoleBench.RunAsync(o, cs, log, ct);
            await output.WriteLineAsync(Report.Table(rows));
            await output.WriteLineAsync(Report.Markdown(rows));
            return 0;
        }

        var failures = new Failures();
        // Tag every connection (API and bench) so the CPU meter can tell this run's backends from other clients'.
        cs = new NpgsqlConnectionStringBuilder(cs) { ApplicationName = CpuMeter.ApplicationName }.ConnectionString;
        await using var run = new BenchRun(o, cs, failures, log);
        List<Row> results;
        JsonObject meta;
        try
        {
            (results, meta) = await run.ExecuteAsync(ct);
        }
        catch (Exception ex)
        {
            failures.Add($"aborted: {ex.GetType().Name}: {ex.Message}");
            await log.WriteLineAsync($"bench: aborted: {ex}");
            (results, meta) = (run.Rows, run.Meta);
        }
        finally
        {
            if (o.DropSchemaAfter) await run.DropSchemaAsync();
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(Report.Table(results));
        var json = Report.ToJson(results, meta, failures);
        await File.WriteAllTextAsync(o.Output, json.ToJsonString(Report.Indented), CancellationToken.None);
        foreach (var n in run.Noise) await output.WriteLineAsync($"warning: noisy machine: {n}");
        await output.WriteLineAsync($"results: {Path.GetFullPath(o.Output)}");
        if (failures.Count > 0)
        {
            await output.WriteLineAsync($"FAILED: {failures.Count} problem(s):");
            foreach (var f in failures.Items) await output.WriteLineAsync("  - " + f);
            return 1;
        }
        return 0;
    }
}

/// <summary>One benchmark run, phase by phase.</summary>
internal sealed class BenchRun(BenchOptions o, string connectionString, Failures failures, TextWriter log) : IAsyncDisposable
{
    public List<Row> Rows { get; } = [];

    /// <summary>Phases during which other processes used more than <see cref="NoisyCores"/> cores.</summary>
    public List<string> Noise { get; } = [];
    private const double NoisyCores = 0.25;
    public JsonObject Meta { get; } = new();
    private readonly NpgsqlDataSource _db = new NpgsqlDataSourceBuilder(connectionString).Build();
    private readonly SqlProfiler? _profiler = o.Profile ? new SqlProfiler() : null;
    private readonly AllocationSampler? _allocations = o.Profile ? new AllocationSampler() : null;
    private readonly JsonObject _profile = new();
    private readonly CpuProfiler? _cpuProfiler = o.CpuProfile ? new CpuProfiler(Path.Combine(Path.GetTempPath(), "tracing-bench-perf")) : null;
    private readonly JsonObject _cpuProfile = new();
    private int _phases;

    public async Task<(List<Row>, JsonObject)> ExecuteAsync(CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        Meta["generated_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        Meta["options"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(o.Describe()));
        Meta["machine"] = new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["server_gc"] = System.Runtime.GCSettings.IsServerGC,
            ["postgres"] = await ScalarAsync("select version()", ct),
            ["synchronous_commit"] = await ScalarAsync("show synchronous_commit", ct),
            ["shared_buffers"] = await ScalarAsync("show shared_buffers", ct),
        };
        Meta["payload_bytes"] = Workload.AveragePayloadBytes;
        if (_profiler is not null) Meta["profile"] = _profile;
        if (_cpuProfiler is not null)
        {
            if (await CpuProfiler.UnavailableAsync() is { } why) throw new BenchAbort("--cpu-profile: " + why);
            if (!CpuProfiler.NamesDotnetFrames)
                Progress("--cpu-profile: DOTNET_PerfMapEnabled is not set, so .NET frames stay unnamed (./tracing bench sets it)");
            Meta["cpu_profile"] = _cpuProfile;
        }

        if (o.KeepData) Progress($"schema {o.Schema}: kept as it is (--keep-data)");
        else
        {
            Progress($"schema {o.Schema}: drop and recreate");
            await ExecAsync(DropSchemasSql, ct);
        }
        await ExecAsync($"create schema if not exists {o.Schema}", ct);
        var raw = new RawBaseline(_db, o.Schema);
        await raw.CreateTableAsync(ct);

        Progress("starting the API in-process");
        await using var host = await ApiHost.StartAsync(connectionString, o.Schema, o.AppLogging, daemon: !o.NoDaemon, o.ApiSettings, ct);
        Meta["api_startup_s"] = Math.Round(host.Startup.TotalSeconds, 2);
        Progress($"API on {host.BaseAddress} (started in {host.Startup.TotalSeconds:0.0} s)");
        var api = new ApiClient(host.Http, failures);
        var ingest = new IngestBench(api, failures, TimeProvider.System);
        _notifier = host.Services.GetService<Tracing.Projections.Events.AppendNotifier>();

        // The async daemon (HotCold) must hold leadership before lag means anything.
        if (!o.NoDaemon)
        {
            var ready = Stopwatch.StartNew();
            var first = await api.CreateSessionAsync("daemon-ready", ct) ?? throw new BenchAbort("could not create a session");
            if (!await api.AppendAsync(first, Workload.Batch(1, 1, DateTimeOffset.UtcNow), 1, ct)) throw new BenchAbort("first append failed");
            if (await ingest.WaitForCountAsync(first, 1, TimeSpan.FromSeconds(60), ct) is null)
                throw new BenchAbort("the async projection daemon did not project the first event within 60 s");
            Meta["daemon_ready_s"] = Math.Round(ready.Elapsed.TotalSeconds, 2);
            Progress($"async daemon ready after {ready.Elapsed.TotalSeconds:0.0} s");
        }
        else Progress("--no-daemon: the async projection daemon is off; lag is not measured");

        if (o.FleetEvents > 0) await FleetSectionAsync(host, api, ct);
        if (o.FleetOnly || o.RebuildOnly)
        {
            if (o.RebuildOnly) await RebuildSectionAsync(host, api, ct);
            Meta["wall_s"] = Math.Round(wall.Elapsed.TotalSeconds, 1);
            return (Rows, Meta);
        }

        // JIT warm-up: each ingest workload runs unmeasured first. Tiered compilation promotes a method to optimised code only
        // after it has run a while and a background thread has compiled it (with dynamic PGO, twice). On two saturated
        // cores that takes tens of seconds: a fixed 5 s left the JIT using half a core for the first ~15 s of the measured
        // batch-1 phase (session 9, dotnet-counters). So rounds of every workload repeat until the runtime's own JIT
        // clock (JitClock) says the last round spent under JitClock.SettledCores compiling, at most JitMaxRounds of them.
        if (o.JitWarmupSeconds > 0)
        {
            var jit = TimeSpan.FromSeconds(o.JitWarmupSeconds);
            Progress($"jit warm-up: rounds of {o.JitWarmupSeconds} s of each ingest workload, unmeasured, until the JIT settles");
            for (var round = 1; ; round++)
            {
                var clock = JitClock.Start();
                foreach (var batch in o.Batches) await ingest.ClosedLoopAsync(batch, o.Sessions, TimeSpan.Zero, jit, ct, unmeasured: true);
                if (!o.SkipOtlp) await new OtlpBench(host.Http, failures).ClosedLoopAsync(o.OtlpSpans, o.Sessions, TimeSpan.Zero, jit, ct, unmeasured: true);
                var cores = clock.Cores;
                Progress($"  round {round}: the JIT used {cores:0.000} cores, {clock.Methods} methods");
                await SettleAsync(ct); // the read models catch up between rounds, as between measured phases (no backpressure)
                if (cores < JitClock.SettledCores || round == JitMaxRounds)
                {
                    _jitWarmupRounds = round;
                    if (cores >= JitClock.SettledCores) Noise.Add($"the JIT had not settled after {round} warm-up rounds ({cores:0.000} cores)");
                    break;
                }
            }
            Meta["jit_warmup_rounds"] = _jitWarmupRounds;
        }

        // Raw baselines (not for --lag-only: the lag runs need only the API's own peak).
        var rawDuration = TimeSpan.FromSeconds(o.RawDurationSeconds);
        CpuMeter.Snapshot cpu;
        RawBaseline.Throughput? insert = null;
        if (!o.LagOnly)
        {
            // After the warm-up (it runs first, so the raw phases do not share the cores with the API's JIT either), and
            // vacuumed like every ingest phase, so no autovacuum of the warm-up's rows lands in a raw phase.
            await VacuumAsync(ct);
            Progress($"raw baseline: binary COPY, {o.Sessions} writers x batch {o.RawBatch}, {o.RawDurationSeconds} s");
            cpu = await StartPhaseAsync(ct);
            var copy = await raw.CopyAsync("copy", o.Sessions, o.RawBatch, rawDuration, ct);
            Rows.Add(await EndPhaseAsync(RawRow("raw.copy", copy), cpu, ct));
            Progress($"raw baseline: multi-row INSERT, {o.Sessions} writers x batch {o.RawBatch}, {o.RawDurationSeconds} s");
            cpu = await StartPhaseAsync(ct);
            insert = await raw.InsertAsync("insert", o.Sessions, o.RawBatch, rawDuration, ct);
            Rows.Add(await EndPhaseAsync(RawRow("raw.insert", insert), cpu, ct));
        }

        // Ingest, closed loop, per batch size.
        var ingestResults = new List<IngestBench.Result>();
        foreach (var batch in o.LagOnly ? [o.Batches.Max()] : o.Batches)
        {
            Progress($"ingest: batch {batch}, {o.Sessions} sessions, {o.WarmupSeconds} s warm-up + {o.DurationSeconds} s");
            await VacuumAsync(ct);
            cpu = await StartPhaseAsync(ct);
            var r = await ingest.ClosedLoopAsync(batch, o.Sessions, TimeSpan.FromSeconds(o.WarmupSeconds), TimeSpan.FromSeconds(o.DurationSeconds), ct);
            var row = await EndPhaseAsync(IngestRow($"ingest.b{batch}", r), cpu, ct);
            var drain = await SettleAsync(ct);
            ingestResults.Add(r);
            row.Metrics["projection_drain_ms"] = drain;
            if (insert is not null && (batch == 100 || (batch == o.Batches.Max() && !o.Batches.Contains(100))))
                row.Metrics["ratio_to_raw_insert"] = r.EventsPerSecond / insert.RowsPerSecond;
            Rows.Add(row);
            Progress($"  {r.EventsPerSecond:#,0} ev/s, p99 {r.Latency.Percentile(99):0.0} ms; read model drained {drain:0} ms after the phase");
        }

        // OTLP/HTTP ingest (issue 12): spans/s through /v1/traces against the native batch-100 events/s of this run. The
        // native rate is measured on both sides of the OTLP phase (before: the ingest row above; after: a control run of
        // the same length) and the ratio taken against their mean, so drift within the run (tables and indexes growing,
        // autovacuum, a noisy neighbour) does not fall on the phase that happens to run second.
        if (!o.SkipOtlp && !o.LagOnly)
        {
            var native = ingestResults.FirstOrDefault(r => r.Batch == 100) ?? ingestResults.MaxBy(r => r.Batch)!;
            Progress($"otlp: {o.OtlpSpans} spans a request (protobuf), {o.Sessions} sessions, {o.WarmupSeconds} s warm-up + {o.DurationSeconds} s");
            await VacuumAsync(ct);
            cpu = await StartPhaseAsync(ct);
            var r = await new OtlpBench(host.Http, failures).ClosedLoopAsync(o.OtlpSpans, o.Sessions,
                TimeSpan.FromSeconds(o.WarmupSeconds), TimeSpan.FromSeconds(o.DurationSeconds), ct);
            var row = await EndPhaseAsync(new Row($"otlp.b{o.OtlpSpans}", new()
            {
                ["spans"] = r.SpansPerRequest, ["sessions"] = r.Sessions, ["spans_per_s"] = r.SpansPerSecond, ["events_per_s"] = r.EventsPerSecond,
                ["requests"] = r.Requests, ["p50_ms"] = r.Latency.Percentile(50), ["p95_ms"] = r.Latency.Percentile(95),
                ["p99_ms"] = r.Latency.Percentile(99), ["native_batch"] = native.Batch,
            }), cpu, ct);
            if (r.Requests == 0) failures.Add("otlp: no request completed in the measured window");
            row.Metrics["projection_drain_ms"] = await SettleAsync(ct);
            Progress($"otlp: native control after it, batch {native.Batch}, {o.Sessions} sessions, {o.WarmupSeconds} s warm-up + {o.DurationSeconds} s");
            await VacuumAsync(ct);
            var after = await ingest.ClosedLoopAsync(native.Batch, o.Sessions, TimeSpan.FromSeconds(o.WarmupSeconds), TimeSpan.FromSeconds(o.DurationSeconds), ct);
            await SettleAsync(ct);
            var nativeRate = (native.EventsPerSecond + after.EventsPerSecond) / 2;
            row.Metrics["native_before_ev_per_s"] = native.EventsPerSecond;
            row.Metrics["native_after_ev_per_s"] = after.EventsPerSecond;
            row.Metrics["ratio_to_native"] = r.SpansPerSecond / nativeRate;
            row.Metrics["event_ratio_to_native"] = r.EventsPerSecond / nativeRate;
            Rows.Add(row);
            Progress($"  {r.SpansPerSecond:#,0} spans/s ({r.EventsPerSecond:#,0} ev/s), p99 {r.Latency.Percentile(99):0.0} ms; " +
                     $"{r.SpansPerSecond / nativeRate:0.00}x native batch {native.Batch} ({native.EventsPerSecond:#,0} before, {after.EventsPerSecond:#,0} after)");
        }

        // Diagnostic: the largest batch again, in-process without HTTP, to split host vs store costs.
        if (!o.SkipDirect && !o.LagOnly)
        {
            var batch = o.Batches.Max();
            Progress($"ingest without HTTP (EventAppender in-process): batch {batch}, {o.Sessions} sessions, {o.WarmupSeconds} s warm-up + {o.DurationSeconds} s");
            cpu = await StartPhaseAsync(ct);
            var appender = host.Services.GetRequiredService<Tracing.Api.Events.EventAppender>();
            var d = await new DirectIngest(appender, api, failures, TimeProvider.System)
                .RunAsync(batch, o.Sessions, TimeSpan.FromSeconds(o.WarmupSeconds), TimeSpan.FromSeconds(o.DurationSeconds), ct);
            var http = ingestResults.First(r => r.Batch == batch);
            Rows.Add(await EndPhaseAsync(new Row("ingest.direct", new()
            {
                ["batch"] = batch, ["sessions"] = o.Sessions, ["events_per_s"] = d.EventsPerSecond, ["events"] = d.Events,
                ["append_p50_ms"] = d.AppendLatency.Percentile(50), ["append_p99_ms"] = d.AppendLatency.Percentile(99),
                ["validate_ms_per_batch"] = d.ValidateMsPerBatch, ["http_share"] = http.EventsPerSecond / d.EventsPerSecond,
            }), cpu, ct));
            var drain = await SettleAsync(ct);
            Rows[^1].Metrics["projection_drain_ms"] = drain;
            Progress($"  {d.EventsPerSecond:#,0} ev/s, append p50 {d.AppendLatency.Percentile(50):0.0} ms, parse+validate {d.ValidateMsPerBatch:0.00} ms per batch");
        }

        // Rate-limited run(s) at a fraction of the peak, with lag probes (issue 16: a soak of --lag-runs runs).
        var peak = ingestResults.MaxBy(r => r.EventsPerSecond)!;
        var lagRuns = new List<Row>();
        for (var run = 1; run <= o.LagRuns; run++) lagRuns.Add(await HalfPeakAsync(ingest, peak, run, ct));
        if (o.LagRuns > 1) Rows.Add(LagSoak.Summarise(lagRuns));
        if (o.LagOnly)
        {
            Meta["wall_s"] = Math.Round(wall.Elapsed.TotalSeconds, 1);
            Meta["noise"] = new JsonArray(Noise.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());
            return (Rows, Meta);
        }

        // Replay.
        foreach (var size in o.ReplaySizes)
        {
            Progress($"replay: seeding {size:#,0} events (API, batch {o.SeedBatch}) and the raw table");
            var (id, rawId, seedTime) = await Tracing.Api.Cli.CliProgress.RunAsync($"replay: seeding {size:#,0} events",
                bar => new ReplayBench(api, raw, failures, TimeProvider.System).SeedAsync(size, o.SeedBatch, ct, bar));
            var seedDrain = await SettleAsync(ct); // the read model must not compete with the timed reads
            if (api.BackpressureWaits > 0) Progress($"  seeding waited out {api.BackpressureWaits} backpressure answer(s) so far (429, Retry-After)");
            Progress($"replay: reading {size:#,0} events, {o.ReplayRuns} runs, limit {o.PageLimit}");
            cpu = await StartPhaseAsync(ct);
            var r = await new ReplayBench(api, raw, failures, TimeProvider.System).MeasureAsync(size, id, rawId, seedTime, o.ReplayRuns, o.PageLimit, ct);
            Rows.Add(await EndPhaseAsync(new Row($"replay.{size}", new()
            {
                ["events"] = size, ["page_limit"] = o.PageLimit, ["pages"] = r.Pages, ["mb"] = r.Bytes / 1e6,
                ["api_ms"] = r.ApiMedian, ["api_min_ms"] = r.ApiMs.DefaultIfEmpty(double.NaN).Min(), ["raw_ms"] = r.RawMedian,
                ["ratio"] = r.Ratio, ["events_per_s"] = size / (r.ApiMedian / 1000), ["seed_s"] = seedTime.TotalSeconds,
                ["seed_events_per_s"] = size / seedTime.TotalSeconds, ["client_verify_ms"] = Latencies.Median(r.VerifyMs), ["seed_projection_drain_ms"] = seedDrain,
            }), cpu, ct));
            Progress($"  API {r.ApiMedian:0.0} ms, raw {r.RawMedian:0.0} ms (seeded in {seedTime.TotalSeconds:0.0} s, read model drained {seedDrain:0} ms later)");
        }

        if (!o.SkipStream)
        {
            for (var i = 0; i < o.StreamClients.Length; i++)
            {
                var clients = o.StreamClients[i];
                var rate = o.StreamRates[Math.Min(i, o.StreamRates.Length - 1)];
                Progress($"stream: {clients} SSE clients, {rate} ev/s for {o.StreamSeconds} s");
                cpu = await StartPhaseAsync(ct);
                var sr = await StreamBench.RunAsync(host, clients, rate, TimeSpan.FromSeconds(o.StreamSeconds), failures, ct);
                Rows.Add(await EndPhaseAsync(new Row($"stream.{clients}", new()
                {
                    ["clients"] = clients, ["rate"] = rate, ["p50_ms"] = sr.Latency.Percentile(50), ["p95_ms"] = sr.Latency.Percentile(95),
                    ["p99_ms"] = sr.Latency.Percentile(99), ["delivered"] = sr.Delivered, ["expected"] = sr.Expected,
                    ["kb_per_connection"] = sr.MemoryPerConnectionKb,
                }), cpu, ct));
                Progress($"  p50 {sr.Latency.Percentile(50):0.0} ms, p99 {sr.Latency.Percentile(99):0.0} ms, {sr.MemoryPerConnectionKb:0} KB/connection");
            }
        }
        if (!o.SkipRebuild) await RebuildSectionAsync(host, api, ct);
        Meta["seed_backpressure_waits"] = api.BackpressureWaits;
        Meta["wall_s"] = Math.Round(wall.Elapsed.TotalSeconds, 1);
        Meta["noise"] = new JsonArray(Noise.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());
        return (Rows, Meta);
    }

    /// <summary>One open-loop run at a fraction of <paramref name="peak"/> with lag probes: rows ingest.half, lag.probe, lag.catchup
    /// (suffixed .rN when --lag-runs > 1); returns the probe row.</summary>
    private async Task<Row> HalfPeakAsync(IngestBench ingest, IngestBench.Result peak, int run, CancellationToken ct)
    {
        var suffix = o.LagRuns > 1 ? $".r{run}" : "";
        var offered = peak.EventsPerSecond * o.HalfFraction;
        Progress($"ingest at {o.HalfFraction:P0} of peak{(o.LagRuns > 1 ? $" (run {run} of {o.LagRuns})" : "")}: batch {peak.Batch}, {offered:#,0} ev/s offered, {o.HalfDurationSeconds} s, lag probes");
        var skipsBefore = o.NoDaemon ? 0 : await CountAsync($"select count(*) from {o.Schema}.mt_high_water_skips", ct);
        var cpu = await StartPhaseAsync(ct);
        var (load, lag) = await ingest.RateLimitedWithLagAsync(peak.Batch, o.Sessions, offered, TimeSpan.FromSeconds(o.HalfDurationSeconds),
            TimeSpan.FromSeconds(o.LagDeadlineSeconds), o.LagProbeBatch, measureLag: !o.NoDaemon, ct);
        var half = await EndPhaseAsync(IngestRow("ingest.half" + suffix, load), cpu, ct);
        half.Metrics["fraction"] = o.HalfFraction;
        half.Metrics["target_events_per_s"] = offered;
        half.Metrics["p99_sched_ms"] = load.ScheduledLatency!.Percentile(99);
        Rows.Add(half);
        var probe = new Row("lag.probe" + suffix, new()
        {
            ["fraction"] = o.HalfFraction, ["p50_ms"] = lag.Probes.Percentile(50), ["p95_ms"] = lag.Probes.Percentile(95),
            ["p99_ms"] = lag.Probes.Percentile(99), ["max_ms"] = lag.Probes.Max, ["samples"] = lag.Probes.Count, ["timeouts"] = lag.ProbeTimeouts,
            ["catchup_ms"] = lag.CatchUpMs, ["run"] = run,
        });
        Rows.Add(probe);
        Rows.Add(new Row("lag.catchup" + suffix, new() { ["catchup_ms"] = lag.CatchUpMs }));
        if (lag.Probes.Count == 0 && !o.NoDaemon) failures.Add("lag probe: no sample");
        if (!o.NoDaemon)
        {
            // Diagnostics for lag spikes: the high-water agent records a gap it waited on (commit order differs from
            // sequence order under concurrent appends) in a HighWaterStuckGap progression row, and gaps it skipped;
            // holes = sequence numbers below the log's head that no committed event carries (rolled-back appends).
            probe.Metrics["highwater_stuck_gap"] = await CountAsync(
                $"select count(*) from {o.Schema}.mt_event_progression where name = 'HighWaterStuckGap'", ct) > 0 ? 1 : 0;
            probe.Metrics["highwater_skips"] = await CountAsync($"select count(*) from {o.Schema}.mt_high_water_skips", ct) - skipsBefore;
            probe.Metrics["sequence_holes"] = await CountAsync($"select coalesce(max(seq_id), 0) - count(*) from {o.Schema}.mt_events", ct);
        }
        Progress($"  {load.EventsPerSecond:#,0} ev/s, p99 {load.Latency.Percentile(99):0.0} ms; lag p99 {lag.Probes.Percentile(99):0} ms, " +
                 $"max {lag.Probes.Max:0} ms (n={lag.Probes.Count}), catch-up {lag.CatchUpMs:0} ms");
        return probe;
    }

    /// <summary>The rebuild section: optionally seeds the store first (--rebuild-events), then --rebuild-runs rebuilds, each
    /// with its own raw scan, so the ratio is always taken inside one run on the same store.</summary>
    private async Task RebuildSectionAsync(ApiHost host, ApiClient api, CancellationToken ct)
    {
        if (o.RebuildEvents > 0)
        {
            var have = await CountAsync($"select count(*) from {o.Schema}.mt_events", ct);
            if (have < o.RebuildEvents)
            {
                Progress($"rebuild: seeding {o.RebuildEvents - have:#,0} events through the API ({FleetBench.EventsPerSession} per session)");
                var seeded = await new FleetBench(host, api, failures, Progress).SeedAsync(o.RebuildEvents - have, Math.Max(4, o.Sessions), ct);
                var drain = await SettleAsync(ct);
                Progress($"  seeded {seeded.Events:#,0} events in {seeded.Elapsed.TotalSeconds:0} s; read models caught up {drain / 1000:0.0} s later");
            }
        }
        for (var run = 1; run <= o.RebuildRuns; run++)
        {
            Progress($"rebuild{(o.RebuildRuns > 1 ? $" (run {run} of {o.RebuildRuns})" : "")}: raw sequential scan, projection rebuild" +
                     (o.RebuildOnly ? "" : ", analysis rerun"));
            var cpu = await StartPhaseAsync(ct);
            var rb = await RebuildBench.RunAsync(host, o.Schema, rerun: !o.RebuildOnly, ct);
            var row = new Row("rebuild.all" + (o.RebuildRuns > 1 ? $".r{run}" : ""), new()
            {
                ["events"] = rb.Events, ["rebuild_events_per_s"] = rb.RebuildEventsPerSecond, ["raw_scan_events_per_s"] = rb.RawScanEventsPerSecond,
                ["ratio"] = rb.RebuildEventsPerSecond / rb.RawScanEventsPerSecond, ["rerun_sessions"] = rb.RerunSessions,
                ["rerun_sessions_per_s"] = rb.RerunSessionsPerSecond, ["rerun_events_per_s"] = rb.RerunEventsPerSecond,
            });
            foreach (var (phase, seconds) in rb.Phases) row.Metrics["phase_" + phase + "_s"] = seconds;
            Rows.Add(await EndPhaseAsync(row, cpu, ct));
            Progress($"  {rb.Events:#,0} events: rebuild {rb.RebuildEventsPerSecond:#,0} ev/s, raw scan {rb.RawScanEventsPerSecond:#,0} ev/s " +
                     $"(ratio {rb.RebuildEventsPerSecond / rb.RawScanEventsPerSecond:0.000}); phases " +
                     string.Join(", ", rb.Phases.Select(p => $"{p.Key} {p.Value:0.00} s")));
        }
    }

    private async Task<long> CountAsync(string sql, CancellationToken ct) =>
        long.Parse(await ScalarAsync(sql, ct) ?? "0", CultureInfo.InvariantCulture);

    /// <summary>Search, stats and export over a seeded fleet (issue 14; docs/performance.md "Search, stats and export").</summary>
    private async Task FleetSectionAsync(ApiHost host, ApiClient api, CancellationToken ct)
    {
        var fleet = new FleetBench(host, api, failures, Progress);
        Progress($"fleet: seeding {o.FleetEvents:#,0} events ({FleetBench.EventsPerSession} per session) through the API");
        var seeded = await Tracing.Api.Cli.CliProgress.RunAsync("fleet: seeding sessions",
            bar => fleet.SeedAsync(o.FleetEvents, Math.Max(4, o.Sessions), ct, bar));
        var drain = await SettleAsync(ct);
        Progress($"  seeded {seeded.Events:#,0} events in {seeded.Elapsed.TotalSeconds:0} s; read models caught up {drain / 1000:0.0} s later");
        Rows.Add(new Row("fleet.seed", new()
        {
            ["events"] = seeded.Events, ["sessions"] = seeded.Sessions, ["seed_s"] = seeded.Elapsed.TotalSeconds,
            ["seed_events_per_s"] = seeded.Events / seeded.Elapsed.TotalSeconds, ["projection_drain_ms"] = drain,
            ["store_events"] = double.Parse(await ScalarAsync($"select count(*) from {o.Schema}.mt_events", ct) ?? "0", CultureInfo.InvariantCulture),
        }));
        foreach (var (name, body) in FleetBench.Searches)
        {
            var cpu = await StartPhaseAsync(ct);
            var (lat, hits) = await fleet.SearchAsync(body, o.FleetRuns, ct);
            Rows.Add(await EndPhaseAsync(new Row(name, new()
            {
                ["p50_ms"] = lat.Percentile(50), ["p95_ms"] = lat.Percentile(95), ["p99_ms"] = lat.Percentile(99),
                ["runs"] = lat.Count, ["first_page_hits"] = hits, ["target_p95_ms"] = 100,
            }), cpu, ct));
            Progress($"  {name}: p50 {lat.Percentile(50):0.0} ms, p95 {lat.Percentile(95):0.0} ms ({hits} hits on the first page)");
        }
        var all = new Latencies();
        foreach (var groupBy in new[] { "agent", "model", "tool", "day", "hour" })
        {
            var lat = await fleet.StatsAsync(groupBy, o.FleetRuns, ct);
            all.AddRange(lat);
            Progress($"  stats {groupBy}: p50 {lat.Percentile(50):0.0} ms, p95 {lat.Percentile(95):0.0} ms");
        }
        Rows.Add(new Row("stats.all", new()
        {
            ["p50_ms"] = all.Percentile(50), ["p95_ms"] = all.Percentile(95), ["p99_ms"] = all.Percentile(99), ["runs"] = all.Count, ["target_p95_ms"] = 100,
        }));
        var cpuExport = await StartPhaseAsync(ct);
        var ex = await fleet.ExportAsync(o.Schema, o.Smoke ? 1 : 3, ct);
        Rows.Add(await EndPhaseAsync(new Row("export.jsonl", new()
        {
            ["events"] = ex.Events, ["mb"] = ex.Bytes / 1e6, ["api_ms"] = ex.ApiMs, ["raw_copy_ms"] = ex.RawMs,
            ["events_per_s"] = ex.Events / (ex.ApiMs / 1000), ["raw_copy_events_per_s"] = ex.Events / (ex.RawMs / 1000),
            ["ratio"] = ex.RawMs / ex.ApiMs, ["redacted_events_per_s"] = ex.Events / (ex.RedactedMs / 1000), ["target_ratio"] = 0.3,
        }), cpuExport, ct));
        Progress($"  export: {ex.Events:#,0} events raw=true {ex.Events / (ex.ApiMs / 1000):#,0} ev/s, raw COPY {ex.Events / (ex.RawMs / 1000):#,0} ev/s " +
                 $"(ratio {ex.RawMs / ex.ApiMs:0.00}); redacted {ex.Events / (ex.RedactedMs / 1000):#,0} ev/s");
    }

    /// <summary>Waits until every async projection shard ("Name:Shard" rows; the HighWater* rows are daemon bookkeeping) has processed
    /// every event in the store (poll with deadline); the time it took in ms.</summary>
    private async Task<double> SettleAsync(CancellationToken ct)
    {
        if (o.NoDaemon) return double.NaN;
        var sw = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(Math.Max(60, o.LagDeadlineSeconds));
        while (true)
        {
            var high = await ScalarAsync($"select coalesce(max(seq_id), 0) from {o.Schema}.mt_events", ct);
            var done = await ScalarAsync($"select coalesce(min(last_seq_id), 0) from {o.Schema}.mt_event_progression where name like '%:%'", ct);
            if (long.Parse(done!, CultureInfo.InvariantCulture) >= long.Parse(high!, CultureInfo.InvariantCulture)) return sw.Elapsed.TotalMilliseconds;
            if (sw.Elapsed > deadline) { failures.Add($"the async daemon did not catch up within {deadline.TotalSeconds} s ({done} of {high})"); return double.NaN; }
            await Task.Delay(10, ct); // poll interval; the loop ends on the observed progression or the deadline
        }
    }

    /// <summary>
    /// VACUUM (ANALYZE) every table of the bench schema, as pgbench does before a run: each measured ingest phase then starts
    /// from the same state instead of sharing its cores with the autovacuum of the rows the phase before it wrote (seen
    /// in session 5: mt_events' autovacuum ran 8.7 s inside the OTLP phase). The time it took goes to the JSON (vacuum_ms).
    /// </summary>
    private async Task VacuumAsync(CancellationToken ct)
    {
        if (o.NoVacuum) return;
        var sw = Stopwatch.StartNew();
        var tables = new List<string>();
        await using (var cmd = _db.CreateCommand("select tablename from pg_tables where schemaname = $1 order by tablename"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = o.Schema });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        }
        foreach (var t in tables)
        {
            await using var vacuum = _db.CreateCommand($"vacuum (analyze) {o.Schema}.\"{t}\"");
            vacuum.CommandTimeout = 0; // a large schema on a small machine may take longer than Npgsql's default 30 s
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        var ms = Math.Round(sw.Elapsed.TotalMilliseconds);
        if (Meta["vacuum_ms"] is not JsonArray all) Meta["vacuum_ms"] = all = [];
        all.Add(ms);
        Progress($"  vacuumed {tables.Count} tables of {o.Schema} in {ms:0} ms");
    }

    private Row RawRow(string key, RawBaseline.Throughput t) => new(key, new()
    {
        ["rows_per_s"] = t.RowsPerSecond, ["rows"] = t.Rows, ["p50_ms"] = t.Latency.Percentile(50),
        ["p95_ms"] = t.Latency.Percentile(95), ["p99_ms"] = t.Latency.Percentile(99),
        ["writers"] = o.Sessions, ["batch"] = o.RawBatch,
    });

    private Row IngestRow(string key, IngestBench.Result r)
    {
        var row = new Row(key, new()
        {
            ["batch"] = r.Batch, ["sessions"] = r.Sessions, ["events_per_s"] = r.EventsPerSecond, ["events"] = r.Events,
            ["requests"] = r.Requests, ["p50_ms"] = r.Latency.Percentile(50), ["p95_ms"] = r.Latency.Percentile(95),
            ["p99_ms"] = r.Latency.Percentile(99), ["max_ms"] = r.Latency.Max,
        });
        if (r.Requests == 0) failures.Add($"{key}: no request completed in the measured window");
        return row;
    }

    private long _allocatedAtStart;
    private TimeSpan _gcPauseAtStart;
    private DateTimeOffset _phaseStartedAt;
    private int _gen2AtStart;
    private Tracing.Projections.Events.AppendNotifier? _notifier;
    private long _wakeupsAtStart;
    private JitClock _jit;
    private int _jitWarmupRounds;
    private const int JitMaxRounds = 8;

    private async Task<CpuMeter.Snapshot> StartPhaseAsync(CancellationToken ct)
    {
        _profiler?.Drain();
        _allocations?.Drain();
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        _gcPauseAtStart = GC.GetTotalPauseDuration();
        _phaseStartedAt = DateTimeOffset.UtcNow;
        _gen2AtStart = GC.CollectionCount(2);
        _wakeupsAtStart = _notifier?.Sent ?? 0;
        _jit = JitClock.Start();
        _cpuProfiler?.Start($"phase{++_phases}");
        return await CpuMeter.TakeAsync(_db, ct);
    }

    /// <summary>--cpu-profile: the phase's busy samples by process and cost, largest first (the JSON keeps them all).</summary>
    private void ReportCpu(string phase, List<CpuShare> shares)
    {
        var arr = new JsonArray();
        foreach (var s in shares)
            arr.Add(new JsonObject { ["process"] = s.Process, ["category"] = s.Category, ["samples"] = s.Samples, ["share"] = Math.Round(s.Share, 4) });
        _cpuProfile[phase] = arr;
        Progress($"cpu profile {phase} ({shares.Sum(s => s.Samples):N0} busy samples; perf report -i {_cpuProfiler!.LastFile}):");
        foreach (var s in shares.Where(s => s.Share >= 0.005))
            Progress($"  {s.Share,6:P1}  {s.Process,-16} {s.Category}");
    }

    /// <summary>
    /// Adds the phase's figures to the row (and, with --profile, its SQL time by statement). With --cpu-profile the
    /// recording stops only after every figure is taken, so reading perf's output does not count in the phase.
    /// </summary>
    private async Task<Row> EndPhaseAsync(Row row, CpuMeter.Snapshot started, CancellationToken ct)
    {
        var measured = await MeasurePhaseAsync(row, started, ct);
        if (_cpuProfiler is not null) ReportCpu(row.Key, await _cpuProfiler.StopAsync());
        return measured;
    }

    private async Task<Row> MeasurePhaseAsync(Row row, CpuMeter.Snapshot started, CancellationToken ct)
    {
        var usage = await CpuMeter.SinceAsync(started, _db, ct);
        usage.AddTo(row.Metrics);
        // Managed allocations of the whole process (API + load generator) during the phase; unlike time, not noisy.
        row.Metrics["alloc_mb"] = (GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart) / 1e6;
        // The JIT's share of the phase (cores, from the runtime's own clock): near zero when the code measured was warm.
        row.Metrics["jit_cores"] = _jit.Cores;
        // The process's GC pauses in the phase (API and load generator share it): a latency stall to compare with p99.
        row.Metrics["gc_pause_ms"] = (GC.GetTotalPauseDuration() - _gcPauseAtStart).TotalMilliseconds;
        row.Metrics["gen2_collections"] = GC.CollectionCount(2) - _gen2AtStart;
        // When the phase ran (Unix seconds, UTC), to lay it beside the database's log (checkpoints, autovacuum).
        row.Metrics["started_unix_s"] = _phaseStartedAt.ToUnixTimeMilliseconds() / 1000.0;
        row.Metrics["ended_unix_s"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        if (row.Metrics.TryGetValue("events", out var ev) && ev > 0 && row.Key.StartsWith("ingest", StringComparison.Ordinal))
            row.Metrics["alloc_bytes_per_event"] = row.Metrics["alloc_mb"] * 1e6 / ev;
        // The daemon's wake-ups the appends sent (ADR 0040): each starts a read-model cycle. A rate over the phase's
        // wall time, warm-up included as for the CPU figures, and per request at the phase's request rate.
        if (_notifier is not null && row.Metrics.TryGetValue("events_per_s", out var rate) && rate > 0 && row.Metrics.TryGetValue("batch", out var batch))
        {
            var wakeupsPerSecond = (_notifier.Sent - _wakeupsAtStart) / Stopwatch.GetElapsedTime(started.Timestamp).TotalSeconds;
            row.Metrics["wakeups_per_s"] = wakeupsPerSecond;
            row.Metrics["wakeups_per_request"] = wakeupsPerSecond / (rate / batch);
        }
        if (usage.OtherCores > NoisyCores)
            Noise.Add($"{row.Key}: other processes used {usage.OtherCores:0.00} of {Environment.ProcessorCount} cores");
        if (_profiler is null) return row;
        var top = _profiler.Drain().Take(12).ToList();
        var arr = new JsonArray();
        foreach (var (sql, count, total, mean) in top)
            arr.Add(new JsonObject { ["sql"] = sql, ["count"] = count, ["total_ms"] = Math.Round(total, 1), ["mean_ms"] = Math.Round(mean, 3) });
        _profile[row.Key] = arr;
        Progress($"profile {row.Key}:");
        foreach (var (sql, count, total, mean) in top)
            Progress($"  {total,10:0} ms {count,8} x {mean,8:0.000} ms  {sql}");
        var types = _allocations!.Drain().Take(15).ToList();
        var allocs = new JsonArray();
        foreach (var (type, mb) in types) allocs.Add(new JsonObject { ["type"] = type, ["sampled_mb"] = Math.Round(mb, 1) });
        _profile[row.Key + ".allocations"] = allocs;
        Progress($"allocations {row.Key} (sampled):");
        foreach (var (type, mb) in types) Progress($"  {mb,8:0.0} MB  {type}");
        return row;
    }

    private void Progress(string message) => log.WriteLine($"bench: {message}");

    private async Task ExecAsync(string sql, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<string?> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand(sql);
        return (await cmd.ExecuteScalarAsync(ct))?.ToString();
    }

    /// <summary>The bench schema and the two a blue/green rebuild makes beside it (the green copy, the retired tables).</summary>
    private string DropSchemasSql =>
        $"drop schema if exists {o.Schema} cascade; drop schema if exists {Tracing.Projections.Rebuilds.GreenStore.SchemaFor(o.Schema)} cascade; " +
        $"drop schema if exists {Tracing.Projections.Rebuilds.TableSwap.RetiredSchemaFor(o.Schema)} cascade";

    public async Task DropSchemaAsync()
    {
        try { await ExecAsync(DropSchemasSql, CancellationToken.None); }
        catch (NpgsqlException ex) { log.WriteLine($"bench: could not drop schema {o.Schema}: {ex.Message}"); }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cpuProfiler is not null) await _cpuProfiler.DisposeAsync();
        _profiler?.Dispose();
        _allocations?.Dispose();
        await _db.DisposeAsync();
    }
}
