using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using Tracing.Api.ConsoleHost;

namespace Tracing.Bench;

/// <summary>
/// <c>./tracing bench --console</c>: the web console in headless Chromium (Playwright, Debian's /usr/bin/chromium) against
/// the in-process API. Two rows, each with a baseline measured in the same run:
/// <c>console.navigate</c>: navigation to an interactive timeline of a 10,000-event session (the first row rendered by the
/// circuit; there is no prerender, so rendered means interactive), against the API's own first replay page;
/// <c>console.live</c>: append (POST) to the row visible in an open live session, against append to receipt by a plain
/// SSE client of the same stream.
/// </summary>
public static class ConsoleBench
{
    public const double NavigateTargetMs = 1500, LiveP95TargetMs = 500;
    private const string Secret = "bench-console-secret-0123456789abcdef0123456789";

    public static async Task<List<Row>> RunAsync(BenchOptions o, string connectionString, TextWriter log, CancellationToken ct)
    {
        await using (var db = new NpgsqlDataSourceBuilder(connectionString).Build())
        {
            await using var drop = db.CreateCommand($"drop schema if exists {o.Schema} cascade; create schema {o.Schema}");
            await drop.ExecuteNonQueryAsync(ct);
        }
        await using var host = await ApiHost.StartAsync(connectionString, o.Schema, o.AppLogging, daemon: true,
            [.. o.ApiSettings, $"Tracing:Jwt:Secret={Secret}"], ct);
        var http = host.Http;
        var size = o.Smoke ? 1_000 : o.ConsoleEvents;
        var runs = o.Smoke ? 2 : 7;
        var appends = o.Smoke ? 5 : 50;

        await log.WriteLineAsync($"console: seeding a {size:N0}-event session");
        await PostAsync(http, "/api/traces", """{"id":"console-big","agent":"bench"}""", ct);
        for (var seq = 1; seq <= size; seq += 1000)
            await PostWaitingOutBackpressureAsync(http, "/api/traces/console-big/events", Workload.Batch(seq, Math.Min(1000, size - seq + 1), DateTimeOffset.UtcNow), ct);

        var rawFirstPage = new Latencies();
        for (var i = 0; i <= runs; i++)
        {
            var t = Stopwatch.GetTimestamp();
            using var page = await http.GetAsync("/api/traces/console-big/events?after_seq=0&limit=100", ct);
            await page.Content.ReadAsByteArrayAsync(ct);
            if (i > 0) rawFirstPage.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("TRACING_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 1000 } });
        var code = await host.Services.GetRequiredService<ConsoleSignIns>()
            .IssueAsync(ApiHost.Workspace, "viewer", "bench", ConsoleSignIns.DefaultLifetime, ct);
        var signIn = await context.NewPageAsync();
        await signIn.GotoAsync(ConsoleSignIns.Link(host.BaseAddress, code));
        await signIn.CloseAsync();

        await log.WriteLineAsync($"console: navigating to the timeline {runs} times (+1 warm-up)");
        var navigate = new Latencies();
        var fullLoad = new Latencies();
        var url = new Uri(host.BaseAddress, $"/sessions/{ApiHost.Project}/console-big").ToString();
        for (var i = 0; i <= runs; i++)
        {
            var page = await context.NewPageAsync();
            var t = Stopwatch.GetTimestamp();
            await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit });
            await page.Locator(".row[data-seq='1']").WaitForAsync();
            if (i > 0) navigate.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (Environment.GetEnvironmentVariable("TRACING_BENCH_PROBE") == "1")
                await log.WriteLineAsync($"probe {Stopwatch.GetElapsedTime(t).TotalMilliseconds:F0} ms: " + await page.EvaluateAsync<string>(
                    "() => performance.getEntries().map(e => `${e.name.replace(location.origin,'')}@${e.startTime.toFixed(0)}+${e.duration.toFixed(0)}`).join(' | ') + ' now@' + performance.now().toFixed(0)"));
            await page.Locator("[data-loaded=all]").WaitForAsync(new() { Timeout = 120_000 });
            if (i > 0) fullLoad.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            await page.CloseAsync();
        }

        await log.WriteLineAsync($"console: {appends} appends to an open live session, then the same to a plain SSE client");
        await PostAsync(http, "/api/traces", """{"id":"console-live","agent":"bench"}""", ct);
        await PostAsync(http, "/api/traces/console-live/events", Workload.Batch(1, 1, DateTimeOffset.UtcNow), ct);
        var live = await context.NewPageAsync();
        await live.GotoAsync(new Uri(host.BaseAddress, $"/sessions/{ApiHost.Project}/console-live").ToString());
        await live.Locator("[data-live=on]").WaitForAsync();
        var visible = new Latencies();
        for (var seq = 2; seq < appends + 2; seq++)
        {
            var t = Stopwatch.GetTimestamp();
            await PostAsync(http, "/api/traces/console-live/events", Workload.Batch(seq, 1, DateTimeOffset.UtcNow), ct);
            await live.Locator($".row[data-seq='{seq}']").WaitForAsync();
            visible.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        await live.CloseAsync();

        var sse = await RawSseAsync(http, appends + 2, appends, ct);
        return
        [
            new Row("console.navigate", new()
            {
                ["events"] = size, ["runs"] = runs, ["p50_ms"] = navigate.Percentile(50), ["p95_ms"] = navigate.Percentile(95),
                ["full_load_p50_ms"] = fullLoad.Percentile(50), ["raw_first_page_ms"] = rawFirstPage.Percentile(50), ["ratio"] = navigate.Percentile(50) / rawFirstPage.Percentile(50),
            }),
            new Row("console.live", new()
            {
                ["appends"] = appends, ["p50_ms"] = visible.Percentile(50), ["p95_ms"] = visible.Percentile(95), ["max_ms"] = visible.Max,
                ["raw_sse_p95_ms"] = sse.Percentile(95), ["ratio"] = visible.Percentile(95) / sse.Percentile(95),
            }),
        ];
    }

    /// <summary>The baseline: append (POST) to receipt of the same event by a plain SSE client of the session.</summary>
    private static async Task<Latencies> RawSseAsync(HttpClient http, long firstSeq, int count, CancellationToken ct)
    {
        var stats = new Latencies();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/stream?session_id=console-live&after_seq={firstSeq - 1}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        for (var seq = firstSeq; seq < firstSeq + count; seq++)
        {
            var t = Stopwatch.GetTimestamp();
            await PostAsync(http, "/api/traces/console-live/events", Workload.Batch(seq, 1, DateTimeOffset.UtcNow), ct);
            while (await reader.ReadLineAsync(ct) is { } line && line != $"id: {seq}") { }
            stats.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return stats;
    }

    /// <summary>Seeding a large session can meet the API's backpressure (429 while the read models trail): wait it out.</summary>
    private static async Task PostWaitingOutBackpressureAsync(HttpClient http, string url, byte[] body, CancellationToken ct)
    {
        while (true)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var reply = await http.PostAsync(url, content, ct);
            if (reply.IsSuccessStatusCode) return;
            if ((int)reply.StatusCode != 429) throw new BenchAbort($"POST {url}: {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync(ct)}");
            await Task.Delay(reply.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
        }
    }

    private static async Task PostAsync(HttpClient http, string url, object body, CancellationToken ct)
    {
        using var content = body is byte[] bytes ? new ByteArrayContent(bytes) : new StringContent((string)body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var reply = await http.PostAsync(url, content, ct);
        if (!reply.IsSuccessStatusCode) throw new BenchAbort($"POST {url}: {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync(ct)}");
    }
}
