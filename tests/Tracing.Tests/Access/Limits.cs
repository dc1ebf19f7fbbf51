using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Access;

/// <summary>
/// Rate limits, stream connection limits, backpressure and Kestrel's request limits, on a real loopback Kestrel (Alba's
/// in-memory server enforces no Kestrel limits) with tiny limits. In the api collection, so the test schema exists.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Limits
{
    private static readonly string[] TinyLimits =
    [
        "Tracing:RunBackground=false",
        "Tracing:RateLimits:KeyPerSecond=1", "Tracing:RateLimits:KeyBurst=2",
        "Tracing:RateLimits:WorkspacePerSecond=1", "Tracing:RateLimits:WorkspaceBurst=3",
        "Tracing:RateLimits:StreamsPerKey=1", "Tracing:RateLimits:StreamsPerWorkspace=2",
    ];

    private static async Task<HttpClient> KeyAsync(LoopbackApi api, string workspace, string project = "proj")
    {
        var issued = await api.Services.GetRequiredService<KeyIssuer>().CreateAsync(workspace, project, "t", ["traces:read", "traces:write"], default);
        return api.CreateClient(issued.Token);
    }

    private static Task<HttpResponseMessage> Create(HttpClient http, string id) =>
        http.PostAsync("/api/traces", new StringContent(JsonSerializer.Serialize(new { id }), Encoding.UTF8, "application/json"));

    private static async Task AssertRateLimited(HttpResponseMessage r, string slug)
    {
        Assert.Equal(429, (int)r.StatusCode);
        Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After in seconds");
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.EndsWith("/" + slug, body.RootElement.GetProperty("type").GetString());
        Assert.Equal(429, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(r.Headers.GetValues("X-Request-Id").Single(), body.RootElement.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task each_key_has_its_own_bucket_below_the_workspace_bucket()
    {
        // The workspace bucket (30) is far above what the keys may spend, so only a per-key bucket can refuse here.
        await using var api = await LoopbackApi.StartAsync("Tracing:RunBackground=false",
            "Tracing:RateLimits:KeyPerSecond=1", "Tracing:RateLimits:KeyBurst=2",
            "Tracing:RateLimits:WorkspacePerSecond=1", "Tracing:RateLimits:WorkspaceBurst=30");
        var ws = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var a = await KeyAsync(api, ws);
        var b = await KeyAsync(api, ws);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/api/sessions")).StatusCode); // warm up; reads are not limited

        var started = DateTime.UtcNow;
        var replies = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Create(i % 2 == 0 ? a : b, $"s{i}")));
        // A key refills 1 token/s on a timer whose phase is unknown: at most one more per started second, never 12.
        var refills = (int)(DateTime.UtcNow - started).TotalSeconds + 1;
        for (var k = 0; k < 2; k++)
        {
            var mine = replies.Where((_, i) => i % 2 == k).ToList();
            Assert.InRange(mine.Count(r => r.StatusCode == HttpStatusCode.Created), 2, 2 + refills);
        }
        foreach (var r in replies.Where(r => r.StatusCode != HttpStatusCode.Created)) await AssertRateLimited(r, "rate-limited");
    }

    [Fact]
    public async Task otlp_exports_draw_from_the_same_buckets_and_get_429_with_retry_after()
    {
        await using var api = await LoopbackApi.StartAsync(TinyLimits);
        var key = await KeyAsync(api, "ws-" + Guid.NewGuid().ToString("N")[..12]);
        var body = Google.Protobuf.MessageExtensions.ToByteArray(
            Tracing.Tests.Otlp.Spans.Request(Tracing.Tests.Otlp.Spans.New(Tracing.Tests.Otlp.Spans.TraceId(), Tracing.Tests.Otlp.Spans.SpanId(), "s", 0, 1)));
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/x-protobuf");
            return key.PostAsync("/v1/traces", content);
        }));
        Assert.Equal(2, replies.Count(r => r.StatusCode == HttpStatusCode.OK)); // the key's burst
        foreach (var r in replies.Where(r => r.StatusCode != HttpStatusCode.OK)) await AssertRateLimited(r, "rate-limited");
    }

    [Fact]
    public async Task ingest_is_limited_per_key_and_per_workspace_with_429_and_retry_after()
    {
        // The key buckets (5 each) hold every request here, so only the workspace bucket (3) can refuse.
        await using var api = await LoopbackApi.StartAsync("Tracing:RunBackground=false",
            "Tracing:RateLimits:KeyPerSecond=1", "Tracing:RateLimits:KeyBurst=5",
            "Tracing:RateLimits:WorkspacePerSecond=1", "Tracing:RateLimits:WorkspaceBurst=3");
        var ws = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var a = await KeyAsync(api, ws);
        var b = await KeyAsync(api, ws);
        var elsewhere = await KeyAsync(api, "ws-" + Guid.NewGuid().ToString("N")[..12]);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/api/sessions")).StatusCode); // warm up; reads are not limited

        var started = DateTime.UtcNow;
        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Create(i % 2 == 0 ? a : b, $"s{i}")));
        // The bucket refills 1 token/s on a timer whose phase is unknown: at most one refill per started second.
        var refills = (int)(DateTime.UtcNow - started).TotalSeconds + 1;
        Assert.InRange(replies.Count(r => r.StatusCode == HttpStatusCode.Created), 3, 3 + refills);
        foreach (var r in replies.Where(r => r.StatusCode != HttpStatusCode.Created)) await AssertRateLimited(r, "rate-limited");

        Assert.Equal(HttpStatusCode.Created, (await Create(elsewhere, "other")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/api/sessions")).StatusCode);
    }

    [Fact]
    public async Task concurrent_streams_are_limited_per_key_and_per_workspace()
    {
        await using var api = await LoopbackApi.StartAsync(TinyLimits);
        var ws = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var a = await KeyAsync(api, ws);
        var b = await KeyAsync(api, ws);
        var c = await KeyAsync(api, ws);

        static Task<HttpResponseMessage> Open(HttpClient http) =>
            http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/stream"), HttpCompletionOption.ResponseHeadersRead);

        var first = await Open(a);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await Open(a);
        await AssertRateLimited(second, "rate-limited");
        Assert.Equal(TimeSpan.FromSeconds(5), second.Headers.RetryAfter?.Delta);

        using var other = await Open(b);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        await AssertRateLimited(await Open(c), "rate-limited"); // the workspace holds 2

        first.Dispose(); // the connection ends; its permit comes back
        // The permit is released when the server finishes the aborted request: observable only by asking again.
        var again = await Eventually.UntilAsync(async () =>
            {
                var reply = await Open(a);
                if (reply.StatusCode != HttpStatusCode.OK) reply.Dispose();
                return reply;
            },
            r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10), r => $"stream still refused: {(int)r.StatusCode}");
        again.Dispose();
    }

    [Fact]
    public async Task ingest_answers_429_while_the_read_models_trail_by_more_than_the_bound_and_reads_go_on()
    {
        // A schema of its own with no daemon anywhere: every append is lag that nothing works off.
        var schema = AppFixture.Schema + "_bp";
        await Database.DropSchemaAsync(AppFixture.ConnectionString, schema);
        try
        {
            await using var api = await LoopbackApi.StartAsync("Tracing:RunBackground=false", $"Tracing:Schema={schema}",
                "Tracing:Backpressure:MaxProjectionLag=3", "Tracing:Backpressure:SampleMilliseconds=0");
            var http = await KeyAsync(api, "ws-bp");
            Assert.Equal(HttpStatusCode.Created, (await Create(http, "s")).StatusCode);
            var batch = new { events = Enumerable.Range(1, 5).Select(i => new { seq = i, type = "log", payload = new { } }) };
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/traces/s/events", batch)).StatusCode);

            var paused = await http.PostAsJsonAsync("/api/traces/s/events", new { seq = 6, type = "log" });
            await AssertRateLimited(paused, "backpressure");
            Assert.DoesNotContain("lag", (await paused.Content.ReadAsStringAsync()).Replace("Ingest paused", ""), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/traces/s/events")).StatusCode);
            var stored = await Database.QueryAsync($"select count(*) from {schema}.mt_events where tenant_id = 'ws-bp'", r => r.GetInt64(0));
            Assert.Equal(6, stored[0]); // session start + 5: the paused request stored nothing

            // Session create and artifact upload are ingest too: paused the same way, storing nothing.
            await AssertRateLimited(await Create(http, "s2"), "backpressure");
            var png = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);
            png.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
            await AssertRateLimited(await http.PostAsync("/api/traces/s/artifacts?kind=screenshot", png), "backpressure");
            stored = await Database.QueryAsync($"select count(*) from {schema}.mt_events where tenant_id = 'ws-bp'", r => r.GetInt64(0));
            Assert.Equal(6, stored[0]);
            // The excess is 3 events: the rule's smallest wait (1 s), not its 30 s ceiling.
            Assert.Equal(TimeSpan.FromSeconds(1), paused.Headers.RetryAfter?.Delta);

            // A node with the daemon on the same schema works the backlog off; ingest then resumes on the paused node.
            await using (var drainer = await LoopbackApi.StartAsync($"Tracing:Schema={schema}"))
                await drainer.WaitForProjectionsAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/traces/s/events", new { seq = 6, type = "log" })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await Create(http, "s2")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/traces/s/artifacts?kind=screenshot", png)).StatusCode);
        }
        finally
        {
            await Database.DropSchemaAsync(AppFixture.ConnectionString, schema);
        }
    }

    [Fact]
    public async Task kestrel_refuses_too_many_or_too_large_headers_and_nul_in_paths_and_a_json_route_takes_its_own_body_limit()
    {
        await using var api = await LoopbackApi.StartAsync("Tracing:RunBackground=false");
        var http = await KeyAsync(api, "ws-" + Guid.NewGuid().ToString("N")[..12]);

        var many = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        for (var i = 0; i < 80; i++) many.Headers.Add($"X-Filler-{i}", "x");
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await http.SendAsync(many)).StatusCode);

        var large = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        large.Headers.Add("X-Filler", new string('x', 40 * 1024));
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await http.SendAsync(large)).StatusCode);

        var nul = await http.GetAsync("/api/traces/a%00b");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);

        // 2 MiB of events: above Kestrel's 1 MiB default, within the events route's own 16 MiB.
        Assert.Equal(HttpStatusCode.Created, (await Create(http, "big")).StatusCode);
        var filler = new string('y', 200 * 1024);
        var batch = new { events = Enumerable.Range(1, 10).Select(i => new { seq = i, type = "log", payload = new { filler } }) };
        var reply = await http.PostAsJsonAsync("/api/traces/big/events", batch);
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
    }
}
