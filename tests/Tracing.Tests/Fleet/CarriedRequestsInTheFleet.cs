using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Fleet.FleetScenario;

namespace Tracing.Tests.Fleet;

/// <summary>
/// ADR 0034: a response or result that carries its request or call gives the fleet index and stats the latency, tokens,
/// model and tool of the pair it stands for; its latency runs from the carried <c>started_at</c> to its <c>ts</c>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CarriedRequestsInTheFleet(AppFixture app)
{
    private static readonly object[] Pairs =
    [
        E(1, "llm.request", new { model = "gpt-4o", provider = "openai", input_tokens = 100 }, 0, "sp1"),
        E(2, "llm.response", new { model = "gpt-4o", finish_reason = "stop", usage = new { input_tokens = 100, output_tokens = 50 } }, 1200, "sp1"),
        E(3, "tool.call", new { tool = "search", call_id = "c1", args = new { query = "paris" } }, 2000),
        E(4, "tool.result", new { tool = "search", call_id = "c1", ok = false, error = new { type = "timeout", message = "slow" } }, 2750),
    ];

    private static readonly object[] Merged =
    [
        E(1, "llm.response", new
        {
            model = "gpt-4o", finish_reason = "stop", usage = new { input_tokens = 100, output_tokens = 50 },
            request = new { model = "gpt-4o", provider = "openai", input_tokens = 100 }, started_at = T0.ToString("O"),
        }, 1200, "sp1"),
        E(2, "tool.result", new
        {
            ok = false, error = new { type = "timeout", message = "slow" },
            call = new { tool = "search", call_id = "c1", args = new { query = "paris" } }, started_at = T0.AddMilliseconds(2000).ToString("O"),
        }, 2750),
    ];

    [Fact]
    public async Task merged_events_index_and_count_the_latency_tokens_model_and_tool_of_their_pairs()
    {
        var client = await app.NewClientAsync();
        foreach (var (id, events) in new[] { ("pairs", Pairs), ("merged", Merged) })
        {
            Assert.Equal(201, (await client.Post("/api/traces", new { id, agent = id + "-agent" })).Status);
            var appended = await client.Append(id, events);
            Assert.True(appended.Status == 200 && appended.Body.GetProperty("accepted").GetInt32() == events.Length, appended.Text);
        }
        await app.WaitForProjectionsAsync();

        foreach (var type in new[] { "llm.response", "tool.result" })
        {
            var pair = Only(await Search(client, new { filters = new[] { F("session_id", "eq", "pairs"), F("type", "eq", type) } }));
            var merged = Only(await Search(client, new { filters = new[] { F("session_id", "eq", "merged"), F("type", "eq", type) } }));
            foreach (var column in new[] { "duration_ms", "input_tokens", "output_tokens", "model", "tool", "error_type", "is_error", "cost" })
                Assert.True(JsonElement.DeepEquals(pair.GetProperty(column), merged.GetProperty(column)), $"{type}.{column}: {pair} vs {merged}");
        }
        // The merged response names the provider its request carried; as a pair it sits on the request's row only.
        var response = Only(await Search(client, new { filters = new[] { F("session_id", "eq", "merged"), F("type", "eq", "llm.response") } }));
        Assert.Equal("openai", response.GetProperty("provider").GetString());
        Assert.Equal(1200, response.GetProperty("duration_ms").GetDouble());
        // A carried call is found by the tool of its call and by its call's payload path.
        Assert.Equal([2L], Seqs(await Search(client, new { filters = new[] { F("session_id", "eq", "merged"), F("tool", "eq", "search") } })));
        Assert.Equal([2L], Seqs(await Search(client, new { filters = new[] { F("payload.call.args.query", "eq", "paris") } })));

        var stats = (await client.Get("/api/stats?group_by=agent")).Body.GetProperty("data").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!);
        var (p, m) = (stats["pairs-agent"], stats["merged-agent"]);
        Assert.Equal(4, p.GetProperty("events").GetInt64());
        Assert.Equal(2, m.GetProperty("events").GetInt64()); // stored events: one a call
        foreach (var path in new[] { "llm", "tool" })
        {
            Assert.True(JsonElement.DeepEquals(p.GetProperty(path), m.GetProperty(path)), $"{path}: {p.GetProperty(path)} vs {m.GetProperty(path)}");
            Assert.Equal(1, m.GetProperty(path).GetProperty("latency_ms").GetProperty("count").GetInt64());
        }
        foreach (var column in new[] { "input_tokens", "output_tokens", "cost_usd", "errors" })
            Assert.Equal(p.GetProperty(column).GetRawText(), m.GetProperty(column).GetRawText());
        Assert.Equal(750, m.GetProperty("tool").GetProperty("latency_ms").GetProperty("p50").GetDouble(), 750 * 0.02);
    }
}
