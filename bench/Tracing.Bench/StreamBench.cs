using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tracing.Bench;

/// <summary>
/// Live stream: N SSE clients on one node watch a project while events are appended at a fixed rate through the
/// HTTP API; each event carries the Stopwatch timestamp of its append request, so every client measures
/// append-to-delivery latency. Memory per connection = managed heap growth with N idle clients connected / N
/// (client and server share the process, so this over-counts the server's share).
/// </summary>
public static class StreamBench
{
    public sealed record Result(int Clients, int EventsPerSecond, Latencies Latency, long Delivered, long Expected, double MemoryPerConnectionKb);

    public static async Task<Result> RunAsync(ApiHost host, int clients, int eventsPerSecond, TimeSpan duration, Failures failures, CancellationToken ct)
    {
        var session = "stream-" + clients + "-" + Guid.NewGuid().ToString("N")[..8];
        var created = await host.Http.PostAsync("/api/traces", Json(new { id = session }), ct);
        if (!created.IsSuccessStatusCode) failures.Add($"stream: create session {(int)created.StatusCode}");

        var before = HeapBytes();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var connected = new CountdownEvent(clients);
        var latency = new Latencies();
        long delivered = 0;
        var readers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var local = new Latencies();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/stream?session_id={session}");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var response = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token), Encoding.UTF8);
                connected.Signal();
                while (!stop.IsCancellationRequested)
                {
                    var line = await reader.ReadLineAsync(stop.Token);
                    if (line is null) break;
                    if (!line.StartsWith("data: {\"ts\"", StringComparison.Ordinal) && !line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                    var t = SentAt(line);
                    if (t is null) continue;
                    local.Add(Stopwatch.GetElapsedTime(t.Value).TotalMilliseconds);
                    Interlocked.Increment(ref delivered);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception ex) { failures.Add($"stream client: {ex.GetType().Name}: {ex.Message}"); }
            lock (latency) latency.AddRange(local);
        }, CancellationToken.None)).ToList();

        if (!connected.Wait(TimeSpan.FromSeconds(60), ct)) failures.Add($"stream: only {clients - connected.CurrentCount} of {clients} clients connected");
        var memoryPerConnectionKb = (HeapBytes() - before) / 1024.0 / clients;

        // Append at the target rate: batches every 10 ms (or 1 event per tick at low rates).
        var perTick = Math.Max(1, eventsPerSecond / 100);
        var tick = TimeSpan.FromSeconds(perTick / (double)eventsPerSecond);
        var seq = 0L;
        var watch = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (watch.Elapsed < duration && !ct.IsCancellationRequested)
        {
            var sent = Stopwatch.GetTimestamp();
            var events = Enumerable.Range(0, perTick).Select(_ => new { seq = ++seq, type = "log", payload = new { t = sent } }).ToArray();
            var reply = await host.Http.PostAsync($"/api/traces/{session}/events", Json(new { events }), ct);
            if (!reply.IsSuccessStatusCode) failures.Add($"stream: append {(int)reply.StatusCode}");
            next += tick;
            var wait = next - watch.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct); // pacing the load generator, not synchronisation
        }

        // Drain: wait (with a deadline) until every client has every event.
        var expected = seq * clients;
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref delivered) < expected && deadline.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(20, ct);
        if (Interlocked.Read(ref delivered) < expected) failures.Add($"stream: delivered {delivered} of {expected}");
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        return new Result(clients, eventsPerSecond, latency, Interlocked.Read(ref delivered), expected, memoryPerConnectionKb);
    }

    private static long? SentAt(string line)
    {
        var i = line.IndexOf("\"t\": ", StringComparison.Ordinal);
        if (i < 0) return null;
        var start = i + 5;
        var end = start;
        while (end < line.Length && char.IsAsciiDigit(line[end])) end++;
        return long.TryParse(line.AsSpan(start, end - start), out var v) ? v : null;
    }

    private static long HeapBytes()
    {
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
