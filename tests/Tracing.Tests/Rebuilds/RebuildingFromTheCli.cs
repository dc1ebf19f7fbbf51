using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Cli;
using Tracing.Projections.Rebuilds;
using Tracing.Tests.Support;
using Tracing.Workers.Projections;
using Xunit;

namespace Tracing.Tests.Rebuilds;

[Collection(RebuildCollection.Name)]
public sealed class RebuildingFromTheCli
{
    private static Action<IConfigurationBuilder> Point(string schema) => c => c.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["TRACING_DB"] = AppFixture.ConnectionString, ["Tracing:Schema"] = schema,
    });

    [Fact]
    public async Task the_cli_asks_the_serving_leader_to_rebuild_and_shows_its_progress()
    {
        var schema = AppFixture.Schema + "_rb4";
        await RebuildNodes.ResetAsync(schema);
        var logs = new CapturedLogs();
        await using var node = await RebuildNodes.StartAsync(schema, logs);
        await RebuildNodes.LeaderAsync(node);
        var client = await RebuildNodes.KeyClientAsync(node, "ws-" + Guid.NewGuid().ToString("N")[..10]);
        for (var s = 0; s < 5; s++)
        {
            (await client.PostAsJsonAsync("/api/traces", new { id = $"cli-{s}", agent = "a" })).EnsureSuccessStatusCode();
            (await client.PostAsJsonAsync($"/api/traces/cli-{s}/events", new { events = new[] { new { seq = 1, type = "log", payload = new { message = "hi" } } } }))
                .EnsureSuccessStatusCode();
        }
        var catalog = node.Services.GetRequiredService<AsyncProjectionCatalog>();
        await RebuildNodes.WaitForShardsAtHighWaterAsync(schema, catalog);
        var before = await RebuildNodes.ReadModelsAsync(schema, catalog);

        var (exit, text) = await CliProcess.RunAsync(schema, "projections", "rebuild");
        Assert.True(exit == 0, text);
        Assert.Contains("nodes are serving: their projection leader executes the rebuild (this command runs no daemon)", text);
        Assert.Contains($"completed on {node.Services.GetRequiredService<LeaderDaemon>().NodeId}", text);
        foreach (var p in catalog.All) Assert.Matches($@"{p.Name}\s+\[#{{24}}\] 100 % done", text);
        await RebuildNodes.WaitForShardsAtHighWaterAsync(schema, catalog);
        Assert.Equal(before, await RebuildNodes.ReadModelsAsync(schema, catalog));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("OutOfOrder", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task with_no_node_serving_the_cli_takes_leadership_and_rebuilds_itself()
    {
        var schema = AppFixture.Schema + "_rb5";
        await RebuildNodes.ResetAsync(schema);
        Dictionary<string, List<string>> before;
        await using (var node = await RebuildNodes.StartAsync(schema, new CapturedLogs()))
        {
            await RebuildNodes.LeaderAsync(node);
            var client = await RebuildNodes.KeyClientAsync(node, "ws-" + Guid.NewGuid().ToString("N")[..10]);
            (await client.PostAsJsonAsync("/api/traces", new { id = "offline", agent = "a" })).EnsureSuccessStatusCode();
            var catalog = node.Services.GetRequiredService<AsyncProjectionCatalog>();
            await RebuildNodes.WaitForShardsAtHighWaterAsync(schema, catalog);
            before = await RebuildNodes.ReadModelsAsync(schema, catalog);
        }

        // The real CLI process, as an operator runs it (./tracing passes its arguments to the API's CLI mode).
        var (exit, text) = await CliProcess.RunAsync(schema, "projections", "rebuild", "--projection", "SessionSummary");
        Assert.True(exit == 0, text);
        Assert.Contains("no node is serving: this command takes projection leadership and runs the rebuild itself", text);
        Assert.Matches(@"SessionSummary\s+\[#{24}\] 100 % done", text);
        Assert.Equal(before["mt_doc_sessionsummary"], (await Database.QueryAsync(
            $"select tenant_id || '/' || id || ' ' || data::text from {schema}.mt_doc_sessionsummary order by tenant_id, id", r => r.GetString(0))));
    }

    [Fact]
    public async Task an_unknown_projection_name_is_refused_with_the_registered_names()
    {
        var output = new StringWriter();
        var exit = await Commands.RunAsync(["projections", "rebuild", "--projection", "NoSuchThing"], Point(AppFixture.Schema + "_rb4"), output);
        Assert.Equal(2, exit);
        Assert.Contains("unknown async projection(s): NoSuchThing; registered: SessionSummary, AnalysisView, Incident", output.ToString());
    }
}
