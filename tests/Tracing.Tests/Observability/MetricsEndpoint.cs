using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Observability;

/// <summary>Counters are process-wide (one meter, like Npgsql's): alone, the deltas read here are this test's traffic.</summary>
[Collection(AloneCollection.Name)]
public sealed class MetricsEndpoint
{
    [Fact]
    public async Task a_scrape_after_known_traffic_shows_it_by_outcome_route_and_shard()
    {
        await using var api = await LoopbackApi.StartAsync("Tracing:Metrics:LagSampleSeconds=1", "Tracing:Metrics:ScrapeCacheMilliseconds=0");
        var issued = await api.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync("ws-" + Guid.NewGuid().ToString("N")[..12], "proj", "metrics", ["traces:read", "traces:write"], default);
        using var http = api.CreateClient(issued.Token);
        var created = await http.PostAsJsonAsync("/api/traces", new { agent = "metrics-agent" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();

        var before = await Scrape(http);
        Assert.Equal(HttpStatusCode.OK, (await Append(http, id!, Enumerable.Range(1, 5))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Append(http, id!, [1, 2])).StatusCode);              // two duplicates
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Append(http, id!, [0])).StatusCode); // seq 0 is invalid
        var after = await Scrape(http);

        Assert.Equal(5, Sum(after, "tracing_ingest_events_total", "outcome=\"accepted\"") - Sum(before, "tracing_ingest_events_total", "outcome=\"accepted\""));
        Assert.Equal(2, Sum(after, "tracing_ingest_events_total", "outcome=\"duplicate\"") - Sum(before, "tracing_ingest_events_total", "outcome=\"duplicate\""));
        Assert.Equal(1, Sum(after, "tracing_ingest_events_total", "outcome=\"rejected\"") - Sum(before, "tracing_ingest_events_total", "outcome=\"rejected\""));
        // Request latency by route, with the status code: the 422 above is visible as a reject by code.
        Assert.True(Sum(after, "http_server_request_duration_seconds_count", "http_route=\"/api/traces/{id}/events\"", "http_response_status_code=\"422\"") >= 1, after);

        // The lag gauge is sampled in the background: it appears per shard within a few samples.
        var withLag = await Eventually.UntilAsync(() => Scrape(http), t => t.Contains("shard=\"SessionSummary:All\""),
            TimeSpan.FromSeconds(30), t => "no lag gauge for SessionSummary:All in:\n" + t);
        Assert.Matches(new Regex("^tracing_projection_lag\\{[^}]*shard=\"SessionSummary:All\"[^}]*\\} \\d+", RegexOptions.Multiline), withLag);
        Assert.Matches(new Regex("^tracing_stream_connections(\\{[^}]*\\})? 0", RegexOptions.Multiline), withLag);
    }

    [Fact]
    public void only_loopback_and_configured_networks_may_scrape()
    {
        var networks = Tracing.Api.Observability.MetricsAccess.Parse(["10.1.0.0/16"]);
        Assert.True(Tracing.Api.Observability.MetricsAccess.Allows(IPAddress.Loopback, []));
        Assert.True(Tracing.Api.Observability.MetricsAccess.Allows(IPAddress.IPv6Loopback, []));
        Assert.True(Tracing.Api.Observability.MetricsAccess.Allows(IPAddress.Parse("::ffff:127.0.0.1"), []));
        Assert.False(Tracing.Api.Observability.MetricsAccess.Allows(IPAddress.Parse("192.168.1.5"), []));
        Assert.False(Tracing.Api.Observability.MetricsAccess.Allows(null, networks));
        Assert.True(Tracing.Api.Observability.MetricsAccess.Allows(IPAddress.Parse("10.1.200.3"), networks));
        Assert.False(Tracing.Api.Observability.MetricsAccess.Allows(IPAddress.Parse("10.2.0.1"), networks));
        Assert.Throws<InvalidOperationException>(() => Tracing.Api.Observability.MetricsAccess.Parse(["10.0.0.0/33"]));
    }

    private static Task<HttpResponseMessage> Append(HttpClient http, string id, IEnumerable<int> seqs) =>
        http.PostAsJsonAsync($"/api/traces/{id}/events",
            new { events = seqs.Select(s => new { seq = s, type = "log", payload = new { message = $"step {s}" } }).ToArray() });

    private static async Task<string> Scrape(HttpClient http)
    {
        using var reply = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        return await reply.Content.ReadAsStringAsync();
    }

    /// <summary>Sum of a Prometheus metric's samples whose labels contain every given <c>name="value"</c> pair.</summary>
    private static double Sum(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(l => labels.All(l.Contains))
            .Sum(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));
}
