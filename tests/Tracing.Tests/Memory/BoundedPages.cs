using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Api.Events;
using Tracing.Api.Live;
using Tracing.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Memory;

/// <summary>
/// Memory per request is bounded by bytes, not rows: replay pages end at a byte budget and stream row by row, live
/// backfill pages are bounded by bytes and a node-wide cap, and analysis refuses sessions beyond its limits.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BoundedPages(AppFixture app, ITestOutputHelper output)
{
    private const int Large = 80;
    private static readonly string Filler = new('x', 200 * 1024);

    private static async Task<string> LargeSessionAsync(TestClient client)
    {
        var id = await client.CreateSession();
        for (var start = 1; start <= Large; start += 8)
            Assert.Equal(200, (await client.Append(id, Enumerable.Range(start, 8).Select(i => Ev(i, payload: new { blob = Filler })).ToArray())).Status);
        return id;
    }

    [Fact]
    public async Task a_replay_page_of_large_events_ends_at_the_byte_budget_and_allocates_a_fraction_of_the_session()
    {
        var client = await app.NewClientAsync();
        var id = await LargeSessionAsync(client);
        await client.Get($"/api/traces/{id}/events?limit=1"); // warm-up: JIT, pools, connections
        var stored = (long)Large * Filler.Length;

        // Measured on the raw response stream, read through a small buffer: the test itself allocates next to nothing.
        using var http = app.Host.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", client.Token);
        // The counter is process-wide and other test classes run beside this one, so their allocations add to a sample
        // but never subtract: the least of a few samples is this request's own cost (plus what little ran beside it).
        long received = 0, allocated = long.MaxValue;
        for (var sample = 0; sample < 5; sample++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            received = 0;
            using (var response = await http.GetAsync($"/api/traces/{id}/events?limit=5000", HttpCompletionOption.ResponseHeadersRead))
            await using (var body = await response.Content.ReadAsStreamAsync())
            {
                var buffer = new byte[81920];
                for (int n; (n = await body.ReadAsync(buffer)) > 0;) received += n;
            }
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        output.WriteLine($"first page: {received / 1024} KiB; {allocated / 1024.0 / 1024.0:F1} MiB allocated by the whole process (least of 5) " +
                         $"for a {stored / 1024 / 1024} MiB session");
        Assert.InRange(received, 1, ReplayOptions.DefaultMaxPageBytes + 4096);
        // Bounded by the page, not the session: the row bytes, the response pipe and the in-memory test server's copy.
        Assert.True(allocated < 3 * ReplayOptions.DefaultMaxPageBytes, $"allocated {allocated} bytes for one page of a {stored}-byte session");

        var page = await client.Get($"/api/traces/{id}/events?limit=5000");
        var seqs = page.Body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.True(page.Body.GetProperty("has_more").GetBoolean());
        Assert.InRange(seqs.Count, 2, Large - 1);
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(seqs[^1], page.Body.GetProperty("next_after_seq").GetInt64());

        // Following next_after_seq reads every event exactly once.
        Assert.Equal(Enumerable.Range(1, Large).Select(i => (long)i), (await client.ReadAll(id)).Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task live_backfill_pages_are_bounded_and_a_node_holds_at_most_its_cap_of_them()
    {
        await using var api = await LoopbackApi.StartAsync("Tracing:Stream:MaxConcurrentBackfills=1", "Tracing:Stream:BackfillPageBytes=262144");
        var key = await api.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync("ws-" + Guid.NewGuid().ToString("N")[..12], "proj", "backfill-test", [AccessSetup.Read, AccessSetup.Write], default);
        using var http = api.CreateClient(key.Token);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/traces", new { id = "big" })).StatusCode);
        for (var start = 1; start <= Large; start += 8)
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/traces/big/events",
                new { events = Enumerable.Range(start, 8).Select(i => Ev(i, payload: new { blob = Filler })) })).StatusCode);
        var gate = api.Services.GetRequiredService<BackfillGate>();

        // A client that stops reading keeps its page (and the node's only backfill slot) until it goes away.
        var stalled = await SseClient.OpenAsync(http, "/api/stream?session_id=big&project_id=proj", key.Token);
        Assert.NotNull(await stalled.NextAsync(TimeSpan.FromSeconds(10)));
        await Eventually.UntilAsync(() => Task.FromResult(gate.Free), f => f == 0, TimeSpan.FromSeconds(10), f => $"{f} free slots");

        await using var second = await SseClient.OpenAsync(http, "/api/stream?session_id=big&project_id=proj", key.Token);
        await stalled.DisposeAsync();
        var all = await second.TakeAsync(Large, timeoutSeconds: 30);
        Assert.Equal(Enumerable.Range(1, Large).Select(i => (long)i), all.Select(m => m.Seq));
        await Eventually.UntilAsync(() => Task.FromResult(gate.Free), f => f == 1, TimeSpan.FromSeconds(10), f => $"{f} free slots");
    }

    [Fact]
    public async Task analysis_refuses_a_session_beyond_its_limits_with_413()
    {
        await using var api = await LoopbackApi.StartAsync("Tracing:Analysis:MaxSessionEvents=5");
        var key = await api.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync("ws-" + Guid.NewGuid().ToString("N")[..12], "proj", "analysis-test", [AccessSetup.Read, AccessSetup.Write], default);
        using var http = api.CreateClient(key.Token);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/traces", new { id = "small" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/traces", new { id = "long" })).StatusCode);
        await http.PostAsJsonAsync("/api/traces/small/events", new { events = Enumerable.Range(1, 3).Select(i => Ev(i)) });
        await http.PostAsJsonAsync("/api/traces/long/events", new { events = Enumerable.Range(1, 8).Select(i => Ev(i)) });

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/traces/small/analyze", null)).StatusCode);
        var refused = await http.PostAsync("/api/traces/long/analyze", null);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("session-too-large", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/traces/long/analysis")).StatusCode);
    }
}
