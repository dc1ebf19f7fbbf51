using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracing.Api.Access;
using Tracing.Domain.Sessions;

namespace Tracing.Bench;

/// <summary>
/// Search, stats and export over a large store (issue 14): seeds a fleet-like workload through the API, waits for the read
/// models, then times POST /api/search/events for three representative filters (and a payload-path one), GET /api/stats per
/// group_by, and the jsonl export of a tenth of the sessions against a raw COPY ... TO STDOUT of the same rows.
/// </summary>
public sealed class FleetBench(ApiHost host, ApiClient api, Failures failures, Action<string> progress)
{
    public const int EventsPerSession = 1000;

    public sealed record Seeded(int Sessions, long Events, TimeSpan Elapsed);

    public async Task<Seeded> SeedAsync(long events, int writers, CancellationToken ct, IProgress<(int Done, int Total)>? bar = null)
    {
        var sessions = (int)Math.Max(1, events / EventsPerSession);
        var sw = Stopwatch.StartNew();
        var next = -1;
        var done = 0;
        var t0 = DateTimeOffset.UtcNow.AddHours(-3);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            int s;
            while ((s = Interlocked.Increment(ref next)) < sessions && !ct.IsCancellationRequested)
            {
                var id = $"fleet-{s:D6}";
                if (!await CreateAsync(id, FleetWorkload.AgentOf(s), ct)) return;
                for (var first = 1; first <= EventsPerSession; first += 1000)
                    if (!await api.AppendAsync(id, FleetWorkload.Batch(s, first, 1000, t0), 1000, ct, waitOutBackpressure: true)) return;
                var finished = Interlocked.Increment(ref done);
                if (bar is not null) lock (bar) bar.Report((finished, sessions));
                else if (s % 100 == 99) progress($"  seeded {s + 1:#,0} of {sessions:#,0} sessions ({sw.Elapsed.TotalSeconds:0} s)");
            }
        }, ct)));
        return new Seeded(sessions, (long)sessions * EventsPerSession, sw.Elapsed);
    }

    /// <summary>Creates a session; a backpressure 429 is waited out per its Retry-After (setup only), like the appends.</summary>
    private async Task<bool> CreateAsync(string id, string agent, CancellationToken ct)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var content = Json(new { id, agent });
            using var resp = await host.Http.PostAsync("/api/traces", content, ct);
            if (resp.StatusCode == HttpStatusCode.Created) return true;
            if (resp.StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(resp.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct); // the server's Retry-After
                continue;
            }
            failures.Add($"fleet seed: create {id} -> {(int)resp.StatusCode}");
            return false;
        }
    }

    public static readonly (string Name, object Body)[] Searches =
    [
        ("search.tool_timeouts", new { filters = new object[] { F("tool", "eq", "search"), F("error.type", "eq", "timeout") }, limit = 50 }),
        ("search.slow_model_by_time", new { filters = new object[] { F("model", "eq", "gpt-4o"), F("duration_ms", "gt", 3000) }, sort = "time", limit = 50 }),
        ("search.agent_errors", new { filters = new object[] { F("agent", "eq", "agent-3"), F("is_error", "eq", true) }, limit = 50 }),
        ("search.payload_contains", new { filters = new object[] { F("type", "eq", "tool.call"), F("payload.args.query", "contains", "paris") }, limit = 50 }),
    ];

    private static object F(string column, string op, object value) => new Dictionary<string, object> { ["column"] = column, ["operator"] = op, ["value"] = value };

    /// <summary>Times <paramref name="runs"/> first-page requests (after 3 warm-ups); also pages once through to count hits.</summary>
    public async Task<(Latencies Latency, int FirstPageHits)> SearchAsync(object body, int runs, CancellationToken ct)
    {
        var lat = new Latencies();
        var hits = 0;
        for (var i = -3; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            using var content = Json(body);
            using var resp = await host.Http.PostAsync("/api/search/events", content, ct);
            var bytes = await resp.Content.ReadAsByteArrayAsync(ct);
            if (i >= 0) lat.Add(sw.Elapsed.TotalMilliseconds);
            if (!resp.IsSuccessStatusCode) { failures.Add($"search -> {(int)resp.StatusCode}: {Encoding.UTF8.GetString(bytes)[..Math.Min(200, bytes.Length)]}"); break; }
            using var doc = JsonDocument.Parse(bytes);
            hits = doc.RootElement.GetProperty("data").GetArrayLength();
        }
        return (lat, hits);
    }

    public async Task<Latencies> StatsAsync(string groupBy, int runs, CancellationToken ct)
    {
        var lat = new Latencies();
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-7).ToString("O"));
        for (var i = -3; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            using var resp = await host.Http.GetAsync($"/api/stats?group_by={groupBy}&since={since}", ct);
            var bytes = await resp.Content.ReadAsByteArrayAsync(ct);
            if (i >= 0) lat.Add(sw.Elapsed.TotalMilliseconds);
            if (!resp.IsSuccessStatusCode) { failures.Add($"stats {groupBy} -> {(int)resp.StatusCode}"); break; }
        }
        return lat;
    }

    public sealed record ExportFigures(long Events, long Bytes, double ApiMs, double RawMs, double RedactedMs);

    /// <summary>
    /// The jsonl export of one agent's sessions (a tenth of the store) with raw=true, against a raw COPY of the same event
    /// rows in the same order to STDOUT; the redacted export is timed too. Median of <paramref name="runs"/>.
    /// </summary>
    public async Task<ExportFigures> ExportAsync(string schema, int runs, CancellationToken ct)
    {
        var issued = await host.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync(ApiHost.Workspace, ApiHost.Project, "bench-raw", ["traces:read", "traces:read_raw"], ct);
        var agent = FleetWorkload.Agents[1];
        var api = new List<double>();
        var redacted = new List<double>();
        var raw = new List<double>();
        long events = 0, bytes = 0;
        for (var i = 0; i < runs; i++)
        {
            (events, bytes, var ms) = await ExportOnceAsync(issued.Token, $"/api/export/sessions?format=jsonl&raw=true&agent={agent}", ct);
            api.Add(ms);
            redacted.Add((await ExportOnceAsync(issued.Token, $"/api/export/sessions?format=jsonl&agent={agent}", ct)).Ms);
            raw.Add(await RawCopyAsync(schema, agent, ct));
        }
        return new ExportFigures(events, bytes, Latencies.Median(api), Latencies.Median(raw), Latencies.Median(redacted));
    }

    private async Task<(long Events, long Bytes, double Ms)> ExportOnceAsync(string token, string url, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var resp = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!resp.IsSuccessStatusCode) { failures.Add($"export -> {(int)resp.StatusCode}"); return (0, 0, double.NaN); }
        await using var body = await resp.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0) total += n;
        var events = long.Parse(resp.Headers.GetValues("X-Export-Events").Single());
        if (resp.Headers.GetValues("X-Export-Truncated").Single() != "false") failures.Add("export: truncated");
        return (events, total, sw.Elapsed.TotalMilliseconds);
    }

    private async Task<double> RawCopyAsync(string schema, string agent, CancellationToken ct)
    {
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var streams = new List<string>();
        await using (var cmd = dataSource.CreateCommand(
                         $"select id from {schema}.mt_doc_sessionsummary where tenant_id = $1 and data ->> 'agent' = $2"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ApiHost.Workspace });
            cmd.Parameters.Add(new NpgsqlParameter { Value = agent });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) streams.Add(r.GetString(0));
        }
        var sw = Stopwatch.StartNew();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var list = string.Join(",", streams.Select(s => "'" + s.Replace("'", "''") + "'"));
        using var reader = await conn.BeginTextExportAsync(
            $"copy (select (data - 'content_hash') from {schema}.mt_events where tenant_id = '{ApiHost.Workspace}' and type = 'trace_event' " +
            $"and stream_id in ({list}) order by stream_id, (data ->> 'seq')::bigint) to stdout", ct);
        var buffer = new char[64 * 1024];
        while (await reader.ReadAsync(buffer, ct) > 0) { }
        return sw.Elapsed.TotalMilliseconds;
    }

    private static ByteArrayContent Json(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
