using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tracing.Bench.Soak;

/// <summary>
/// The steady load of a soak: paced writers (half the measured peak by default) that end a session every N events
/// (session.ended triggers an analysis), a lag probe, live-stream clients on the project, explicit analyses of
/// finished sessions and a few incident status changes. Every outcome lands in the current <see cref="SoakWindow"/>.
/// </summary>
public sealed class SoakLoad(HttpClient http, ApiClient api, SoakOptions o, SoakWindows windows, Failures failures)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _finished = new();
    private long _sseConnected;

    public long SseConnected => Interlocked.Read(ref _sseConnected);

    /// <summary>
    /// The stream clients connected once all <paramref name="expected"/> are, or when <paramref name="within"/> has
    /// passed. A client between two connections (the server ended its stream, or cut it off as a slow consumer, and it
    /// is resuming with Last-Event-ID) is not a lost client; one that stays away past the deadline is.
    /// </summary>
    public async Task<long> ConnectedWithinAsync(int expected, TimeSpan within, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (SseConnected < expected && deadline.Elapsed < within) await Task.Delay(50, ct); // poll with a deadline
        return SseConnected;
    }

    public Task RunAsync(double eventsPerSecond, CancellationToken ct)
    {
        var perWriter = eventsPerSecond / o.Writers;
        var tasks = new List<Task>();
        for (var w = 0; w < o.Writers; w++) tasks.Add(WriterAsync(w, perWriter, ct));
        for (var c = 0; c < o.SseClients; c++) tasks.Add(SseClientAsync(ct));
        tasks.Add(LagProbeAsync(ct));
        tasks.Add(AnalysesAsync(ct));
        tasks.Add(IncidentsAsync(ct));
        return Task.WhenAll(tasks.Select(t => t.ContinueWith(x =>
        {
            if (x.Exception is { } e && !ct.IsCancellationRequested) failures.Add($"soak load: {e.GetBaseException().Message}");
        }, TaskScheduler.Default)));
    }

    private async Task WriterAsync(int index, double eventsPerSecond, CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(o.Batch / eventsPerSecond);
        var watch = Stopwatch.StartNew();
        var next = interval * index / o.Writers; // staggered, so writers do not fire in lockstep
        for (var generation = 0; !ct.IsCancellationRequested; generation++)
        {
            var session = await api.CreateSessionAsync($"soak-w{index}-{generation}", ct) ?? throw new BenchAbort("could not create a session");
            long appended = 0;
            while (appended < o.EventsPerSession && !ct.IsCancellationRequested)
            {
                var wait = next - watch.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct); // pacing the open loop
                next += interval;
                var body = Workload.Batch(appended + 1, o.Batch, DateTimeOffset.UtcNow);
                var t0 = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var reply = await http.PostAsync($"/api/traces/{session}/events", content, ct);
                var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (reply.StatusCode == HttpStatusCode.TooManyRequests) { Interlocked.Increment(ref windows.Current.Rejected429); continue; }
                if (!reply.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref windows.Current.AppendFailures);
                    failures.Add($"append {session}: {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync(ct)}");
                    continue;
                }
                windows.Current.Append(ms, o.Batch);
                appended += o.Batch;
            }
            if (ct.IsCancellationRequested) break;
            var end = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { seq = appended + 1, type = "session.ended", payload = new { status = "ok", reason = "soak" } }));
            if (await api.AppendAsync(session, end, 1, ct)) _finished.Enqueue(session);
        }
    }

    /// <summary>Every ~2 s: one event on a probe session, then the time until the async read model shows it.</summary>
    private async Task LagProbeAsync(CancellationToken ct)
    {
        var probe = await api.CreateSessionAsync("soak-lag-probe", ct) ?? throw new BenchAbort("could not create the probe session");
        for (long seq = 1; !ct.IsCancellationRequested; seq++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(2000)), ct); // random spacing: samples every phase of the daemon's poll
            if (!await api.AppendAsync(probe, Workload.Batch(seq, 1, DateTimeOffset.UtcNow), 1, ct)) continue;
            var t0 = Stopwatch.GetTimestamp();
            while (!ct.IsCancellationRequested)
            {
                var count = await api.EventCountAsync(probe, ct);
                if (count >= seq) { windows.Current.LagSeen(Stopwatch.GetElapsedTime(t0).TotalMilliseconds); break; }
                if (Stopwatch.GetElapsedTime(t0) > TimeSpan.FromSeconds(60)) { failures.Add($"lag probe: event {seq} not projected within 60 s"); break; }
                await Task.Delay(20, ct); // poll interval of the probe
            }
        }
    }

    /// <summary>
    /// A live-stream client of the whole project. Like a browser's EventSource it resumes with <c>Last-Event-ID</c>
    /// when the stream ends (the server ends every connection after Tracing:Stream:MaxConnectionSeconds, and cuts off a
    /// slow consumer): reconnecting without it would replay the project's whole history each time (README, Live stream).
    /// </summary>
    private async Task SseClientAsync(CancellationToken ct)
    {
        string? lastId = null; // the first connection starts live (ADR 0042) and its first block carries the id to resume from
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/stream?project_id={ApiHost.Project}");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                if (lastId is not null) request.Headers.Add("Last-Event-ID", lastId);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (!response.IsSuccessStatusCode) { failures.Add($"stream: {(int)response.StatusCode}"); await Task.Delay(1000, ct); continue; }
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
                Interlocked.Increment(ref _sseConnected);
                try
                {
                    while (await reader.ReadLineAsync(ct) is { } line)
                    {
                        if (line.StartsWith("data: ", StringComparison.Ordinal)) Interlocked.Increment(ref windows.Current.SseDelivered);
                        else if (line.StartsWith("id: ", StringComparison.Ordinal)) lastId = line[4..];
                    }
                }
                finally { Interlocked.Decrement(ref _sseConnected); }
            }
            catch (OperationCanceledException) { return; }
            catch (Exception ex) when (ex is HttpRequestException or IOException) { }
            if (!ct.IsCancellationRequested) Interlocked.Increment(ref windows.Current.SseReconnects);
        }
    }

    private async Task AnalysesAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(o.AnalyzeEvery, ct); // the schedule of the periodic analyses
            if (!_finished.TryDequeue(out var session)) continue;
            using var reply = await http.PostAsync($"/api/traces/{session}/analyze", JsonContent.Create(new { }), ct);
            if (reply.IsSuccessStatusCode) Interlocked.Increment(ref windows.Current.Analyses);
            else failures.Add($"analyze {session}: {(int)reply.StatusCode}");
        }
    }

    /// <summary>One failing session makes an incident; its status then alternates acknowledged / open on a schedule.</summary>
    private async Task IncidentsAsync(CancellationToken ct)
    {
        var session = await api.CreateSessionAsync("soak-incident", ct) ?? throw new BenchAbort("could not create the incident session");
        var events = new object[]
        {
            new { seq = 1, type = "tool.call", payload = new { tool = "search", call_id = "c1", args = new { q = "soak" } } },
            new { seq = 2, type = "tool.result", payload = new { tool = "search", call_id = "c1", ok = false, error = new { type = "TimeoutError", message = "timed out after 30s" } } },
        };
        if (!await api.AppendAsync(session, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { events })), 2, ct)) return;
        using (var analysed = await http.PostAsync($"/api/traces/{session}/analyze", JsonContent.Create(new { }), ct))
            if (!analysed.IsSuccessStatusCode) { failures.Add($"incident analysis: {(int)analysed.StatusCode}"); return; }
        string? id = null;
        for (var i = 0; i < 300 && id is null && !ct.IsCancellationRequested; i++)
        {
            var list = await http.GetFromJsonAsync<JsonElement>($"/api/incidents?project_id={ApiHost.Project}", ct);
            id = list.GetProperty("data").EnumerateArray().Select(x => x.GetProperty("id").GetString()).FirstOrDefault();
            if (id is null) await Task.Delay(200, ct); // poll for the async incident read model, bounded
        }
        if (id is null) { failures.Add("no incident appeared for the failing session"); return; }
        for (var n = 0; !ct.IsCancellationRequested; n++)
        {
            await Task.Delay(o.IncidentEvery, ct); // the schedule of the incident changes
            var status = n % 2 == 0 ? "acknowledged" : "open";
            using var content = new StringContent($"{{\"status\":\"{status}\",\"owner\":\"soak\"}}", Encoding.UTF8, "application/merge-patch+json");
            using var reply = await http.PatchAsync($"/api/incidents/{id}", content, ct);
            if (reply.IsSuccessStatusCode) Interlocked.Increment(ref windows.Current.IncidentChanges);
            else failures.Add($"incident {id} -> {status}: {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync(ct)}");
        }
    }
}
