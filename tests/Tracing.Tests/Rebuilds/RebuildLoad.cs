using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tracing.Tests.Rebuilds;

/// <summary>
/// Continuous writers (each its own sessions: batches of 20 events, an error now and then, an analysis per session)
/// and a reader that pages through GET /api/sessions and checks that every session it must see is listed.
/// </summary>
public sealed class RebuildLoad
{
    private readonly ConcurrentDictionary<string, byte> _sessions = new();
    private long _events;
    private int _rejected;

    public long Events => Interlocked.Read(ref _events);
    public int Rejected => _rejected;
    public System.Collections.Concurrent.ConcurrentQueue<string> Refusals { get; } = new();
    public IReadOnlyCollection<string> Sessions => _sessions.Keys.ToList();

    /// <summary>One session (60 events and an analysis) per writer per pace tick: steady load, not a flood of a 2-core box.</summary>
    public Task WriteAsync(HttpClient http, string writer, CancellationToken stop) => Task.Run(async () =>
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(150));
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try { await pace.WaitForNextTickAsync(stop); } catch (OperationCanceledException) { break; }
            var id = $"{writer}-{n}";
            var created = await http.PostAsJsonAsync("/api/traces", new { id, agent = writer }, CancellationToken.None);
            if (!Accepted(created)) continue;
            _sessions[id] = 0;
            for (var batch = 0; batch < 3; batch++)
            {
                var events = Enumerable.Range(batch * 20 + 1, 20).Select(seq => seq % 17 == 0
                    ? (object)new { seq, type = "error", payload = new { type = "ToolError", message = $"tool {writer} failed" } }
                    : new { seq, type = "log", payload = new { message = $"step {seq}" } }).ToArray();
                var appended = await http.PostAsJsonAsync($"/api/traces/{id}/events", new { events }, CancellationToken.None);
                if (Accepted(appended)) Interlocked.Add(ref _events, events.Length);
            }
            Accepted(await http.PostAsync($"/api/traces/{id}/analyze", JsonContent.Create(new { }), CancellationToken.None));
        }
    });

    private bool Accepted(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests || response.StatusCode >= HttpStatusCode.InternalServerError)
        {
            Interlocked.Increment(ref _rejected);
            Refusals.Enqueue($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri?.AbsolutePath} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
        return response.IsSuccessStatusCode;
    }

    /// <summary>Every session id GET /api/sessions lists right now (all pages).</summary>
    public static async Task<HashSet<string>> ListAsync(HttpClient http)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = await http.GetFromJsonAsync<JsonElement>("/api/sessions?limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            foreach (var s in page.GetProperty("data").EnumerateArray()) ids.Add(s.GetProperty("id").GetString()!);
            cursor = page.TryGetProperty("next_cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        } while (cursor is not null);
        return ids;
    }

    /// <summary>Lists sessions until stopped; returns how many complete listings it made and which expected ids any of them missed.</summary>
    public static Task<(int Reads, HashSet<string> Missed)> ReadAsync(HttpClient http, IReadOnlyCollection<string> expected, CancellationToken stop) => Task.Run(async () =>
    {
        var reads = 0;
        var missed = new HashSet<string>(StringComparer.Ordinal);
        while (!stop.IsCancellationRequested)
        {
            var listed = await ListAsync(http);
            missed.UnionWith(expected.Where(id => !listed.Contains(id)));
            reads++;
        }
        return (reads, missed);
    });
}
