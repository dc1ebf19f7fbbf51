using JasperFx.Events.Daemon;
using Marten;
using Npgsql;
using Tracing.Domain.Fleet;
using Tracing.Projections;
using Tracing.Projections.Fleet;
using Tracing.Projections.Rebuilds;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Fleet.FleetScenario;

namespace Tracing.Tests.Fleet;

[Collection(ApiCollection.Name)]
public sealed class ComputedCost(AppFixture app)
{
    [Fact]
    public void prices_match_exact_names_then_the_longest_prefix_and_a_workspace_override_wins()
    {
        var table = new PriceTable(
            new Dictionary<string, ModelPrice> { ["acme-llm"] = new(1m, 2m) },
            new Dictionary<string, IReadOnlyDictionary<string, ModelPrice>> { ["ws-a"] = new Dictionary<string, ModelPrice> { ["gpt-4o"] = new(9m, 9m) } });
        Assert.Equal(new ModelPrice(0.15m, 0.60m, 0.075m), table.Find("ws-b", "gpt-4o-mini-2024-07-18"));
        Assert.Equal(new ModelPrice(2.50m, 10.00m, 1.25m), table.Find("ws-b", "GPT-4o-2024-08-06"));
        Assert.Equal(new ModelPrice(9m, 9m), table.Find("ws-a", "gpt-4o-2024-08-06"));
        Assert.Equal(new ModelPrice(1m, 2m), table.Find("ws-a", "acme-llm"));
        Assert.Null(table.Find("ws-a", "unknown-model"));
        // 1,000 input tokens of which 400 cached, 500 output, at gpt-4o's $2.50 / $1.25 cached / $10.00 per million, by hand:
        // 600 × 2.50 + 400 × 1.25 + 500 × 10.00 = 1,500 + 500 + 5,000 = 7,000 micro-dollars.
        Assert.Equal(0.007m, table.Find("x", "gpt-4o")!.Cost(1000, 500, 400));
    }

    [Fact]
    public async Task a_price_change_applies_when_the_fleet_projection_is_rebuilt()
    {
        var client = await PricedSessionAsync();
        // Built-in gpt-4o: 60 × 2.50 + 40 × 1.25 + 50 × 10.00 = 150 + 50 + 500 micro-dollars.
        Assert.Equal(0.0007m, await CostAsync(client));

        // Another node configured with this workspace's own price rebuilds the projection: $4 in, $8 out, no cache price.
        var prices = OwnPrice(client.Workspace);
        await RebuildWithAsync(prices);
        // 100 × 4 + 50 × 8 = 800 micro-dollars.
        Assert.Equal(0.0008m, await CostAsync(client));
        var stats = await client.Get("/api/stats?group_by=model");
        var row = stats.Body.GetProperty("data").EnumerateArray().Single();
        Assert.Equal(0.0008m, row.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(0.0008m, row.GetProperty("computed_cost_usd").GetDecimal());

        await RebuildWithAsync(PriceTable.Defaults); // back to this host's configuration
        Assert.Equal(0.0007m, await CostAsync(client));
    }

    [Fact]
    public async Task a_green_fleet_copy_writes_its_own_tables_and_leaves_the_served_ones_serving()
    {
        var client = await PricedSessionAsync();
        Assert.Equal(0.0007m, await CostAsync(client));

        // What the blue/green rebuild does (ADR 0012), with a changed price: the green copy of Fleet, its own tables.
        var prices = OwnPrice(client.Workspace);
        var greenSchema = GreenStore.SchemaFor(AppFixture.Schema);
        await using var dataSource = new NpgsqlDataSourceBuilder(AppFixture.ConnectionString).Build();
        await OwnedTables.For(FleetProjection.ProjectionName)!.EnsureAsync(dataSource, greenSchema, default);
        using (var green = GreenStore.Build(dataSource, AppFixture.Schema, FleetProjection.ProjectionName, prices))
        {
            using var daemon = await green.BuildProjectionDaemonAsync();
            await daemon.RebuildProjectionAsync(FleetProjection.ProjectionName + GreenStore.NameSuffix, TimeSpan.FromMinutes(2), default);
        }
        try
        {
            // The served tables were neither emptied by the green teardown nor written by the green copy.
            Assert.Equal(0.0007m, await CostAsync(client));
            await using var cmd = dataSource.CreateCommand($"select cost from {greenSchema}.{FleetTables.Search} where tenant_id = $1 and session_id = 'priced'");
            cmd.Parameters.Add(new NpgsqlParameter { Value = client.Workspace });
            Assert.Equal(0.0008m, (decimal)(await cmd.ExecuteScalarAsync())!);
        }
        finally
        {
            await using var cleanup = dataSource.CreateCommand($"delete from {AppFixture.Schema}.mt_event_progression where name like '%{GreenStore.NameSuffix}%'");
            await cleanup.ExecuteNonQueryAsync();
        }
    }

    /// <summary>A session with one gpt-4o response: 100 tokens in (40 cached), 50 out.</summary>
    private async Task<TestClient> PricedSessionAsync()
    {
        var client = await app.NewClientAsync();
        await client.Post("/api/traces", new { id = "priced", agent = "a" });
        await client.Append("priced", E(1, "llm.response", new { model = "gpt-4o", usage = new { input_tokens = 100, output_tokens = 50, cached_input_tokens = 40 } }, 0));
        await app.WaitForProjectionsAsync();
        return client;
    }

    /// <summary>The workspace's own gpt-4o price: $4 in, $8 out per million, no cache price.</summary>
    private static PriceTable OwnPrice(string workspace) => new(workspaces: new Dictionary<string, IReadOnlyDictionary<string, ModelPrice>>
    {
        [workspace] = new Dictionary<string, ModelPrice> { ["gpt-4o"] = new(4m, 8m) },
    });

    private static async Task<decimal> CostAsync(TestClient client)
    {
        var hit = Only(await Search(client, new { filters = new[] { F("session_id", "eq", "priced") } }));
        Assert.True(hit.GetProperty("cost_computed").GetBoolean());
        return hit.GetProperty("cost").GetDecimal();
    }

    private async Task RebuildWithAsync(PriceTable prices)
    {
        await using var dataSource = new NpgsqlDataSourceBuilder(AppFixture.ConnectionString).Build();
        using var store = DocumentStore.For(opts => opts.ConfigureTracing(dataSource, AppFixture.Schema, prices));
        await app.RebuildAloneAsync(store, FleetProjection.ProjectionName);
    }
}
