using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Tracing.Bench.Soak;

/// <summary>
/// <c>./tracing soak</c> (issue 17 item 2, ADR 0030): the API in-process under steady load at a fraction of the peak
/// measured first, sampled every interval, with the series written as JSON and an HTML chart; exit 1 when a figure
/// trends beyond its tolerance or a request failed.
/// </summary>
public static class SoakProgram
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter log, CancellationToken ct)
    {
        SoakOptions o;
        try { o = SoakOptions.Parse(args); }
        catch (ArgumentException ex) { await log.WriteLineAsync($"soak: {ex.Message}\n\n{SoakOptions.Usage}"); return 2; }
        if (o.Help) { await output.WriteLineAsync(SoakOptions.Usage); return 0; }
        var cs = o.ConnectionString ?? Environment.GetEnvironmentVariable("TRACING_DB");
        if (string.IsNullOrWhiteSpace(cs)) { await log.WriteLineAsync("soak: set TRACING_DB or pass --db (./tracing soak does it for you)"); return 2; }

        var failures = new Failures();
        await using var db = new NpgsqlDataSourceBuilder(cs).Build();
        await ExecAsync(db, $"drop schema if exists {o.Schema} cascade", ct);
        await ExecAsync(db, $"create schema {o.Schema}", ct);
        Say(log, $"schema {o.Schema} recreated; starting the API in-process");
        var meta = new JsonObject
        {
            ["started_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["options"] = JsonSerializer.SerializeToNode(new
            {
                smoke = o.Smoke, duration_s = o.Duration.TotalSeconds, sample_s = o.SampleEvery.TotalSeconds, fraction = o.Fraction,
                writers = o.Writers, batch = o.Batch, session_events = o.EventsPerSession, sse_clients = o.SseClients,
                analyze_every_s = o.AnalyzeEvery.TotalSeconds, incident_every_s = o.IncidentEvery.TotalSeconds, schema = o.Schema, api_settings = o.ApiSettings,
            }),
            ["cores"] = Environment.ProcessorCount,
            ["load_average_start"] = SoakSampler.LoadAverage(),
        };

        var samples = new List<SoakSample>();
        try
        {
            var apiConnections = new NpgsqlConnectionStringBuilder(cs) { ApplicationName = SoakSampler.ApplicationName }.ConnectionString;
            await using (var host = await ApiHost.StartAsync(apiConnections, o.Schema, appLogging: false, daemon: true, o.ApiSettings, ct))
            {
                var api = new ApiClient(host.Http, failures);
                var ingest = new IngestBench(api, failures, TimeProvider.System);
                var first = await api.CreateSessionAsync("daemon-ready", ct) ?? throw new BenchAbort("could not create a session");
                if (!await api.AppendAsync(first, Workload.Batch(1, 1, DateTimeOffset.UtcNow), 1, ct) ||
                    await ingest.WaitForCountAsync(first, 1, TimeSpan.FromSeconds(60), ct) is null)
                    throw new BenchAbort("the projection daemon did not project the first event within 60 s");

                Say(log, $"peak: closed loop, {o.Writers} writers x batch {o.Batch}, {o.PeakDuration.TotalSeconds:0} s");
                // Measured again until the JIT has settled (ADR 0035), at most four times: a peak measured on code still
                // being compiled sets a low target, and the first samples would carry the JIT, which the start-against-end
                // trends would then read as an improvement.
                IngestBench.Result peak;
                for (var round = 1; ; round++)
                {
                    var jit = JitClock.Start();
                    peak = await ingest.ClosedLoopAsync(o.Batch, o.Writers, TimeSpan.FromSeconds(2), o.PeakDuration, ct);
                    if (jit.Cores < JitClock.SettledCores || round == 4) break;
                    Say(log, $"peak {peak.EventsPerSecond:#,0} ev/s with the JIT at {jit.Cores:0.00} cores: again");
                }
                var sampler = new SoakSampler(db, o.Schema);
                await DrainAsync(sampler, ct);
                var target = peak.EventsPerSecond * o.Fraction;
                meta["peak_events_per_s"] = Math.Round(peak.EventsPerSecond, 1);
                meta["target_events_per_s"] = Math.Round(target, 1);
                Say(log, $"peak {peak.EventsPerSecond:#,0} ev/s (p99 {peak.Latency.Percentile(99):0.0} ms); soak at {target:#,0} ev/s for {o.Duration}, a sample every {o.SampleEvery}");

                var windows = new SoakWindows();
                var load = new SoakLoad(host.Http, api, o, windows, failures);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var running = load.RunAsync(target, stop.Token);
                windows.Swap();
                sampler = new SoakSampler(db, o.Schema); // minutes count from the start of the steady load
                var watch = Stopwatch.StartNew();
                using var tick = new PeriodicTimer(o.SampleEvery);
                while (watch.Elapsed < o.Duration - TimeSpan.FromMilliseconds(500) && await tick.WaitForNextTickAsync(ct))
                {
                    var sample = await sampler.TakeAsync(windows.Swap(), load.SseConnected, ct);
                    samples.Add(sample);
                    Say(log, $"{sample.Minute,6:0.0} min: {sample.Events / o.SampleEvery.TotalSeconds,6:#,0} ev/s, append p50 {sample.AppendP50Ms:0.0} / p99 {sample.AppendP99Ms:0.0} ms, " +
                             $"lag p50 {sample.LagP50Ms:0} ms, rss {sample.RssMb:0} MB, heap {sample.GcHeapMb:0} MB, dead {sample.DeadTuples:#,0}, " +
                             $"xmin age {sample.OldestXminAge:#,0}, conns {sample.Connections}, sse {sample.SseConnected}/{o.SseClients}, load {sample.LoadAverage:0.0}");
                    if (o.SseClients > 0 && sample.SseConnected < o.SseClients
                        && await load.ConnectedWithinAsync(o.SseClients, TimeSpan.FromSeconds(5), ct) is var back && back < o.SseClients)
                        failures.Add($"minute {sample.Minute}: {back} of {o.SseClients} stream clients connected 5 s after the sample");
                }
                await stop.CancelAsync();
                await running;
            }
        }
        catch (Exception ex) when (ex is BenchAbort or HttpRequestException or NpgsqlException or IOException)
        {
            failures.Add($"aborted: {ex.GetType().Name}: {ex.Message}");
        }

        var checks = SoakTrends.Evaluate(samples);
        if (samples.Sum(s => s.Analyses) == 0 && o.Duration >= o.AnalyzeEvery * 3) failures.Add("no explicit analysis completed");
        if (samples.Sum(s => s.IncidentChanges) == 0 && o.Duration >= o.IncidentEvery * 2) failures.Add("no incident change completed");
        meta["load_average_end"] = SoakSampler.LoadAverage();
        meta["finished_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(o.OutDir);
        var json = new JsonObject
        {
            ["meta"] = meta,
            ["tolerances"] = JsonSerializer.SerializeToNode(SoakTrends.Rules.Select(r => new { figure = r.Figure, ratio = r.Ratio, slack = r.Slack, unit = r.Unit })),
            ["checks"] = JsonSerializer.SerializeToNode(checks.Select(c => new { figure = c.Figure, start = c.Start, end = c.End, passed = c.Passed })),
            ["failures"] = JsonSerializer.SerializeToNode(failures.Items),
            ["samples"] = JsonSerializer.SerializeToNode(samples, Json),
        };
        var jsonPath = Path.GetFullPath(Path.Combine(o.OutDir, "soak.json"));
        var htmlPath = Path.GetFullPath(Path.Combine(o.OutDir, "soak.html"));
        await File.WriteAllTextAsync(jsonPath, json.ToJsonString(Json), CancellationToken.None);
        await File.WriteAllTextAsync(htmlPath, SoakChart.Html(samples, checks,
            $"{samples.Count} samples, every {o.SampleEvery}; steady ingest {meta["target_events_per_s"]} ev/s (peak {meta["peak_events_per_s"]}); " +
            $"{Environment.ProcessorCount} cores, load average {meta["load_average_start"]} -> {meta["load_average_end"]}"), CancellationToken.None);

        await output.WriteLineAsync();
        foreach (var c in checks) await output.WriteLineAsync("  " + c.Describe());
        await output.WriteLineAsync($"series: {jsonPath}\nchart:  {htmlPath}");
        var trending = checks.Where(c => !c.Passed).ToList();
        if (trending.Count == 0 && failures.Count == 0) { await output.WriteLineAsync("soak: passed"); return 0; }
        foreach (var c in trending) await output.WriteLineAsync($"soak: FAILED: {c.Figure} trends");
        foreach (var f in failures.Items) await output.WriteLineAsync("soak: FAILED: " + f);
        return 1;
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Waits (deadline 120 s) until the read models have caught up with the peak's backlog.</summary>
    private static async Task DrainAsync(SoakSampler sampler, CancellationToken ct)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(120))
        {
            var s = await sampler.TakeAsync(new SoakWindow(), 0, ct);
            if (s.ShardLagEvents <= 0) return;
            await Task.Delay(250, ct); // poll interval while the daemon drains
        }
        throw new BenchAbort("the read models did not catch up with the peak's backlog within 120 s");
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void Say(TextWriter log, string line) => log.WriteLine($"soak: {line}");
}
