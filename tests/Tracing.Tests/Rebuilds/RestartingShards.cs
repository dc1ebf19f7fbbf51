using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Tests.Support;
using Tracing.Workers.Projections;
using Xunit;

namespace Tracing.Tests.Rebuilds;

[Collection(RebuildCollection.Name)]
public sealed class RestartingShards
{
    private const string Shard = "ThrowOnce:All";

    [Fact]
    public async Task a_killed_shard_is_reported_not_ready_logged_once_restarted_and_counted()
    {
        var schema = AppFixture.Schema + "_rb3";
        await RebuildNodes.ResetAsync(schema);
        var logs = new CapturedLogs();
        long restarts = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == ProjectionMetrics.MeterName && i.Name == ProjectionMetrics.RestartsName) l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "shard" && (string?)t.Value == Shard)) Interlocked.Add(ref restarts, value);
        });
        listener.Start();

        await using var node = await RebuildNodes.StartAsync(schema, logs, b => b.Services.ConfigureMarten(opts =>
        {
            opts.Projections.Add(new ThrowOnceProjection(), ProjectionLifecycle.Async);
            opts.Projections.Errors.SkipApplyErrors = false; // a throwing handler stops the shard instead of skipping the event
            opts.Projections.AgentPauseTime = TimeSpan.FromMinutes(5); // Marten's own retry would come later than ours
        }), "Tracing:Projections:FirstRestartSeconds=2");
        await RebuildNodes.LeaderAsync(node);
        using var anonymous = new HttpClient { BaseAddress = node.BaseAddress };
        await ReadyAsync(anonymous, HttpStatusCode.OK);
        var client = await RebuildNodes.KeyClientAsync(node, "ws-" + Guid.NewGuid().ToString("N")[..10]);

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/traces", new { id = "boom", agent = "a" })).StatusCode);
        Assert.True((await client.PostAsJsonAsync("/api/traces/boom/events",
            new { events = new[] { new { seq = 1, type = "log", payload = new { message = "explode" } } } })).IsSuccessStatusCode);

        var notReady = await ReadyAsync(anonymous, HttpStatusCode.ServiceUnavailable);
        var check = notReady.GetProperty("checks").GetProperty("projection_shards");
        Assert.Equal("unhealthy", check.GetProperty("status").GetString());
        Assert.Contains(Shard, check.GetProperty("description").GetString());
        Assert.Equal("dead", check.GetProperty("data").GetProperty(Shard).GetProperty("state").GetString());

        // A session created while the shard is dead appears once it is restarted: the read model advances again.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/traces", new { id = "after-kill", agent = "a" })).StatusCode);
        await ReadyAsync(anonymous, HttpStatusCode.OK);
        await Eventually.UntilAsync(() => client.GetAsync("/api/traces/after-kill/events?after_seq=0").ContinueWith(_ => RebuildLoad.ListAsync(client)).Unwrap(),
            ids => ids.Contains("after-kill"), TimeSpan.FromSeconds(30), ids => $"listed: {string.Join(",", ids)}");

        Assert.True(Interlocked.Read(ref restarts) >= 1, "no restart was counted on the Tracing meter");
        var stopped = Assert.Single(logs.Lines, l => l.Contains($"Projection shard {Shard} stopped", StringComparison.Ordinal));
        Assert.Contains("the handler failed once (test)", stopped);
        Assert.Contains(logs.Lines, l => l.Contains($"Projection shard {Shard} is running again", StringComparison.Ordinal));
    }

    private static Task<JsonElement> ReadyAsync(HttpClient http, HttpStatusCode expected) =>
        Eventually.UntilAsync(async () =>
            {
                var r = await http.GetAsync("/health/ready");
                return (r.StatusCode, Body: await r.Content.ReadFromJsonAsync<JsonElement>());
            }, r => r.StatusCode == expected, TimeSpan.FromSeconds(30), r => $"{r.StatusCode} {r.Body.GetRawText()}")
            .ContinueWith(t => t.Result.Body);
}
