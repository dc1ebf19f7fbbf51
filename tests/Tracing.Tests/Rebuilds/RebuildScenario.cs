using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JasperFx.Events.Daemon;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Projections.Rebuilds;
using Tracing.Tests.Support;
using Tracing.Workers.Projections;
using Xunit;

namespace Tracing.Tests.Rebuilds;

/// <summary>
/// The scenario: writers keep appending, a reader keeps listing, and a rebuild of every registered async
/// projection goes through the supported path (the admin endpoint; the leader executes it).
/// </summary>
public static class RebuildScenario
{
    public static async Task RunAsync(string schema, int nodeCount)
    {
        await RebuildNodes.ResetAsync(schema);
        var logs = new CapturedLogs();
        // A low backpressure bound: were the rebuild's replay counted as lag, writers would get 429s.
        var nodes = new List<LoopbackApi>();
        try
        {
            for (var i = 0; i < nodeCount; i++) nodes.Add(await RebuildNodes.StartAsync(schema, logs, "Tracing:Backpressure:MaxProjectionLag=4000",
                    "Tracing:RateLimits:CostlyPerMinute=100000", "Tracing:RateLimits:CostlyBurst=100000"));
                // (the writers analyze every session on one key, far above the costly-route policy of 120/min, which is
                // not what this test measures; ingest limits and backpressure stay on)
            var leader = await RebuildNodes.LeaderAsync([.. nodes]);
            var requester = nodes.FirstOrDefault(n => n != leader) ?? leader; // across nodes: ask one that does not own the shards
            var catalog = leader.Services.GetRequiredService<AsyncProjectionCatalog>();
            var workspace = "ws-" + Guid.NewGuid().ToString("N")[..10];

            var load = new RebuildLoad();
            using var stopWriters = new CancellationTokenSource();
            var writers = new List<Task>();
            for (var w = 0; w < 4; w++)
                writers.Add(load.WriteAsync(await RebuildNodes.KeyClientAsync(nodes[w % nodes.Count], workspace), $"w{w}", stopWriters.Token));
            var reader = await RebuildNodes.KeyClientAsync(requester, workspace);

            // History first: enough events that the rebuild's replay would exceed the backpressure bound.
            await Eventually.UntilAsync(() => Task.FromResult(load.Events), e => e >= 5000, TimeSpan.FromSeconds(90), e => $"{e} events written");
            await RebuildNodes.WaitForShardsAtHighWaterAsync(schema, catalog);
            var before = await RebuildLoad.ListAsync(reader);
            Assert.True(before.Count >= 20, $"only {before.Count} sessions listed before the rebuild");

            using var stopReader = new CancellationTokenSource();
            var reading = RebuildLoad.ReadAsync(reader, before, stopReader.Token);
            var service = RebuildNodes.ServiceClient(requester);
            var accepted = await service.PostAsJsonAsync("/api/admin/projections/rebuilds", new { });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var id = (await RebuildNodes.JsonAsync(accepted)).GetProperty("id").GetString()!;
            Assert.Equal($"/api/admin/projections/rebuilds/{id}", accepted.Headers.Location?.OriginalString);

            var done = await Eventually.UntilAsync(() => service.GetFromJsonAsync<JsonElement>($"/api/admin/projections/rebuilds/{id}"),
                r => r.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromMinutes(3), r => r.GetRawText());
            await stopReader.CancelAsync();
            var (reads, missed) = await reading;
            await stopWriters.CancelAsync();
            await Task.WhenAll(writers);

            Assert.True(done.GetProperty("status").GetString() == "completed", done.GetRawText());
            Assert.Equal(leader.Services.GetRequiredService<LeaderDaemon>().NodeId, done.GetProperty("node").GetString());
            var rebuilt = done.GetProperty("projections").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToHashSet();
            Assert.Equal(catalog.All.Select(p => p.Name).ToHashSet(), rebuilt);
            Assert.All(done.GetProperty("projections").EnumerateArray(), p =>
            {
                Assert.Equal("done", p.GetProperty("phase").GetString());
                Assert.True(p.GetProperty("processed").GetInt64() >= 5000, p.GetRawText());
            });
            Assert.True(reads > 0, "the reader made no complete listing during the rebuild");
            Assert.Empty(missed);
            Assert.True(load.Rejected == 0, "refused: " + string.Join(", ", load.Refusals.Take(5)));

            // Converged: every shard at the high-water mark, every read model equal to a from-scratch rebuild.
            await RebuildNodes.WaitForShardsAtHighWaterAsync(schema, catalog);
            var served = await RebuildNodes.ReadModelsAsync(schema, catalog);
            Assert.Contains(served.Values, rows => rows.Count >= load.Sessions.Count);
            var daemon = leader.Services.GetRequiredService<LeaderDaemon>().Current()!;
            foreach (var p in catalog.All) await daemon.RebuildProjectionAsync(p.Name, TimeSpan.FromMinutes(2), CancellationToken.None);
            await RebuildNodes.WaitForShardsAtHighWaterAsync(schema, catalog);
            var fromScratch = await RebuildNodes.ReadModelsAsync(schema, catalog);
            foreach (var (table, rows) in fromScratch) Assert.Equal(rows, served[table]);
            Assert.Equal(load.Sessions.Order().ToList(), (await RebuildLoad.ListAsync(reader)).Order().ToList());

            Assert.DoesNotContain(logs.Lines, l => l.Contains("OutOfOrder", StringComparison.OrdinalIgnoreCase)
                                                  || l.Contains("out of order", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
        }
    }
}
