using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Outages;

/// <summary>
/// The fault test: PostgreSQL stops and starts under a retrying ingest. On a cluster of its own (the shared one serves
/// the rest of the suite in parallel). Asserts that every acknowledged event is stored once, that the outage answers
/// only 503 with Retry-After (never 500), and that readiness goes false, then true.
/// </summary>
public sealed class DatabaseRestart
{
    private const int Events = 120;

    [Fact]
    public async Task a_restart_under_retrying_ingest_loses_and_doubles_nothing_and_answers_only_503()
    {
        await using var cluster = await ThrowawayCluster.CreateAsync();
        await using var api = await LoopbackApi.StartAsync($"TRACING_DB={cluster.ConnectionString}", "Tracing:Schema=fault",
            "Tracing:SigningSecret=" + AppFixture.SigningSecret);
        var key = await api.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync("ws-fault", "proj", "fault-test", [AccessSetup.Read, AccessSetup.Write], default);
        using var http = api.CreateClient(key.Token);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/traces", new { id = "s1" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        var statuses = new ConcurrentBag<int>();
        var acknowledged = new ConcurrentBag<long>();
        var outageAnswers = new ConcurrentBag<(int Status, bool RetryAfter, string Type)>();
        var halfway = new TaskCompletionSource();
        var restarted = new TaskCompletionSource();
        var ingest = Task.Run(async () =>
        {
            for (var seq = 1L; seq <= Events; seq++)
            {
                if (seq == Events / 3) halfway.TrySetResult();
                // A retrying client: the same event (same idempotency key) until a 2xx, within a deadline.
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                while (true)
                {
                    var response = await http.PostAsJsonAsync("/api/traces/s1/events",
                        new { seq, type = "log", idempotency_key = $"k-{seq}", payload = new { n = seq } }, deadline.Token);
                    statuses.Add((int)response.StatusCode);
                    if (response.IsSuccessStatusCode) { acknowledged.Add(seq); break; }
                    var problem = await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token);
                    outageAnswers.Add(((int)response.StatusCode, response.Headers.RetryAfter is not null,
                        problem.TryGetProperty("type", out var t) ? t.GetString() ?? "" : ""));
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return; // anything else fails the test below
                    // Client backoff while the store is down; the test is not waiting on it.
                    await Task.Delay(restarted.Task.IsCompleted ? 20 : 100, deadline.Token);
                }
            }
        });

        await halfway.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await cluster.StopAsync();
        await Eventually.UntilAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30), r => $"readiness {(int)r.StatusCode}");
        await Eventually.UntilAsync(() => Task.FromResult(outageAnswers.Count), n => n >= 3 || ingest.IsCompleted,
            TimeSpan.FromSeconds(60), n => $"{n} outage answers");
        var notReady = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.NotNull(notReady.Headers.RetryAfter);
        var body = await notReady.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        await cluster.StartAsync();
        restarted.SetResult();
        await Eventually.UntilAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), r => $"readiness {(int)r.StatusCode}");
        await ingest.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.NotEmpty(outageAnswers);
        Assert.All(outageAnswers, a =>
        {
            Assert.Equal(503, a.Status);
            Assert.True(a.RetryAfter, "a 503 without Retry-After");
            Assert.EndsWith("/store-unavailable", a.Type);
        });
        Assert.DoesNotContain(500, statuses);
        Assert.Equal(Enumerable.Range(1, Events).Select(i => (long)i), acknowledged.Order());

        // Stored: every acknowledged event exactly once, in seq order, nothing else.
        var page = await http.GetFromJsonAsync<JsonElement>($"/api/traces/s1/events?limit={Events + 10}");
        var stored = page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(acknowledged.Order(), stored);
    }
}
