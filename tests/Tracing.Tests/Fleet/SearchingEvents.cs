using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Fleet.FleetScenario;

namespace Tracing.Tests.Fleet;

[Collection(ApiCollection.Name)]
public sealed class SearchingEvents(AppFixture app)
{
    // The scenario is read-only for these tests: built once per host (its own workspace), shared by every case.
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (AppFixture App, TestClient Client)? _shared;

    private async Task<TestClient> WithScenarioAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_shared is { } s && s.App == app) return s.Client;
            var client = await app.NewClientAsync();
            await CreateAsync(client, "run-1");
            await app.WaitForProjectionsAsync();
            _shared = (app, client);
            return client;
        }
        finally { Gate.Release(); }
    }

    public static TheoryData<string, string, object?, long[]> Filters() => new()
    {
        // text columns
        { "tool", "eq", "search", [3, 4] },
        { "tool", "neq", "search", [5, 6] },
        { "tool", "in", new[] { "fetch", "nope" }, [5, 6] },
        { "tool", "contains", "arc", [3, 4] },
        { "tool", "prefix", "fe", [5, 6] },
        { "tool", "exists", false, [1, 2, 7, 8, 9] },
        { "type", "eq", "tool.result", [4, 6] },
        { "model", "prefix", "claude-", [7] },
        { "model", "exists", true, [1, 2, 7] },
        { "provider", "eq", "openai", [1, 2] },
        { "error.type", "eq", "timeout", [4] },
        { "error.type", "in", new[] { "timeout", "ValueError" }, [4, 8] },
        { "finish_reason", "eq", "length", [7] },
        { "agent", "eq", "planner", [1, 2, 3, 4, 5, 6, 7, 8, 9] },
        { "session_id", "eq", "run-1", [1, 2, 3, 4, 5, 6, 7, 8, 9] },
        { "span_id", "eq", "sp1", [1, 2] },
        { "parent_span_id", "exists", true, [] },
        // integer columns
        { "seq", "eq", 3, [3] },
        { "seq", "neq", 3, [1, 2, 4, 5, 6, 7, 8, 9] },
        { "seq", "in", new[] { 1, 9 }, [1, 9] },
        { "seq", "gt", 7, [8, 9] },
        { "seq", "gte", 7, [7, 8, 9] },
        { "seq", "lt", 3, [1, 2] },
        { "seq", "lte", 3, [1, 2, 3] },
        { "input_tokens", "eq", 100, [1, 2] },
        { "input_tokens", "gte", 1000, [7] },
        { "output_tokens", "exists", true, [2, 7] },
        // number columns
        { "cost", "gt", 0.1, [7] },
        { "cost", "lt", 0.1, [2] },
        { "duration_ms", "gte", 1000, [2, 4] },
        { "duration_ms", "lte", 42, [6] },
        { "duration_ms", "in", new[] { 42, 5000 }, [4, 6] },
        // time columns
        { "ts", "gte", "2026-03-01T09:00:07Z", [4, 5, 6, 7, 8, 9] },
        { "ts", "lt", "2026-03-01T09:00:01Z", [1] },
        { "ts", "eq", "2026-03-01T09:00:01.2Z", [2] },
        { "ts", "neq", "2026-03-01T09:00:01.2Z", [1, 3, 4, 5, 6, 7, 8, 9] },
        { "ts", "gt", "2026-03-01T09:00:09.5Z", [9] },
        { "ts", "lte", "2026-03-01T09:00:00Z", [1] },
        { "received_at", "gt", "2000-01-01T00:00:00Z", [1, 2, 3, 4, 5, 6, 7, 8, 9] },
        { "received_at", "exists", true, [1, 2, 3, 4, 5, 6, 7, 8, 9] },
        // boolean columns
        { "is_error", "eq", true, [4, 8] },
        { "cost_computed", "eq", true, [2] },
        { "cost_computed", "neq", true, [1, 3, 4, 5, 6, 7, 8, 9] },
        // payload paths
        { "payload.args.query", "contains", "paris", [3] },
        { "payload.args.query", "prefix", "weather", [3] },
        { "payload.args.query", "eq", "weather paris", [3] },
        { "payload.args.page", "eq", 2, [3] },
        { "payload.args.page", "neq", 3, [3] },
        { "payload.ok", "eq", false, [4] },
        { "payload.call_id", "in", new object[] { "c2", 7 }, [5, 6] },
        { "payload.usage.output_tokens", "gt", 100, [7] },
        { "payload.usage.output_tokens", "gte", 50, [2, 7] },
        { "payload.usage.output_tokens", "lt", 100, [2] },
        { "payload.usage.output_tokens", "lte", 200, [2, 7] },
        { "payload.finish_reason", "gt", "m", [2] },
        { "payload.error", "exists", true, [4] },
        { "payload.args", "exists", false, [1, 2, 4, 6, 7, 8, 9] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task each_column_type_and_operator_selects_exactly_the_matching_events(string column, string op, object? value, long[] expected)
    {
        var client = await WithScenarioAsync();
        var reply = await Search(client, new { filters = new[] { F(column, op, value) } });
        Assert.True(reply.Status == 200, reply.Text);
        Assert.Equal(expected, Seqs(reply));
    }

    [Fact]
    public void every_operator_and_column_of_the_catalogue_is_covered_by_a_case()
    {
        var used = Filters().Select(row => (string)row[1]).ToHashSet();
        Assert.Equal(Tracing.Domain.Search.SearchColumns.Operators.Order(), used.Order());
        var columns = Filters().Select(row => (string)row[0]).ToHashSet();
        Assert.All(Tracing.Domain.Search.SearchColumns.Typed, c => Assert.Contains(c.Name, columns));
    }

    [Fact]
    public async Task a_hit_links_to_its_session_and_seq_and_marks_computed_cost()
    {
        var client = await WithScenarioAsync();
        var hit = Only(await Search(client, new { filters = new[] { F("seq", "eq", 2) } }));
        Assert.Equal("run-1", hit.GetProperty("session_id").GetString());
        Assert.Equal("planner", hit.GetProperty("agent").GetString());
        Assert.Equal(1200, hit.GetProperty("duration_ms").GetDouble());
        // 100 input tokens at $2.50/M + 50 output at $10.00/M (gpt-4o defaults), by hand:
        Assert.Equal(0.00075m, hit.GetProperty("cost").GetDecimal());
        Assert.True(hit.GetProperty("cost_computed").GetBoolean());

        var link = await client.Get(hit.GetProperty("links").GetProperty("event").GetString()!);
        Assert.Equal(200, link.Status);
        var ev = link.Body.GetProperty("data").EnumerateArray().Single();
        Assert.Equal(2, ev.GetProperty("seq").GetInt64());
        Assert.Equal("llm.response", ev.GetProperty("type").GetString());
        Assert.Equal(200, (await client.Get(hit.GetProperty("links").GetProperty("session").GetString()!)).Status);
    }

    [Fact]
    public async Task filters_combine_and_since_until_bound_the_receive_time()
    {
        var client = await WithScenarioAsync();
        var both = await Search(client, new { filters = new[] { F("tool", "eq", "search"), F("is_error", "eq", true) } });
        Assert.Equal([4L], Seqs(both));
        var future = await Search(client, new { since = DateTimeOffset.UtcNow.AddHours(1).ToString("O") });
        Assert.Empty(Seqs(future));
        var past = await Search(client, new { until = DateTimeOffset.UtcNow.AddHours(-1).ToString("O") });
        Assert.Empty(Seqs(past));
        var window = await Search(client, new { since = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"), until = DateTimeOffset.UtcNow.AddHours(1).ToString("O") });
        Assert.Equal(9, Seqs(window).Count);
    }

    public static TheoryData<string, string, string> BadRequests() => new()
    {
        { """{"filters":[{"column":"colour","operator":"eq","value":"x"}]}""", "filters[0].column", "colour" },
        { """{"filters":[{"column":"tool","operator":"eq","value":"x"},{"column":"input_tokens","operator":"gt","value":"many"}]}""", "filters[1].value", "input_tokens" },
        { """{"filters":[{"column":"cost","operator":"contains","value":"1"}]}""", "filters[0].operator", "cost" },
        { """{"filters":[{"column":"ts","operator":"gt","value":"yesterday"}]}""", "filters[0].value", "ts" },
        { """{"filters":[{"column":"is_error","operator":"eq","value":"yes"}]}""", "filters[0].value", "is_error" },
        { """{"filters":[{"column":"tool","operator":"in","value":[]}]}""", "filters[0].value", "tool" },
        { """{"filters":[{"column":"tool","operator":"exists","value":"yes"}]}""", "filters[0].value", "tool" },
        { """{"filters":[{"column":"payload.a..b","operator":"eq","value":1}]}""", "filters[0].column", "payload.a..b" },
        { """{"filters":[{"column":"tool","operator":"like","value":"x"}]}""", "filters[0].operator", "like" },
        { """{"filters":[{"column":"tool","value":"x"}]}""", "filters[0].operator", "operator" },
        { """{"filters":[{"column":"tool","operator":"eq","value":"x","extra":1}]}""", "filters[0].extra", "extra" },
        { """{"filters":{}}""", "filters", "array" },
        { """{"limit":0}""", "limit", "limit" },
        { """{"sort":"random"}""", "sort", "sort" },
        { """{"order":"up"}""", "order", "order" },
        { """{"since":"soon"}""", "since", "since" },
        { """{"cursor":"garbage!"}""", "cursor", "cursor" },
        { """{"colour":"blue"}""", "colour", "colour" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task a_bad_request_is_a_422_naming_the_field(string body, string field, string mentioned)
    {
        var client = await app.NewClientAsync();
        var reply = await client.Send("POST", "/api/search/events", body, "application/json");
        Assert.True(reply.Status == 422, reply.Text);
        Assert.Equal("application/problem+json", reply.ContentType.Split(';')[0]);
        Assert.Equal(field, Field(reply));
        Assert.Contains(mentioned, Message(reply));
    }

    [Fact]
    public async Task a_cursor_of_another_sort_is_refused()
    {
        var client = await WithScenarioAsync();
        var page = await Search(client, new { limit = 2 });
        var cursor = page.Body.GetProperty("next_cursor").GetString();
        var reply = await Search(client, new { limit = 2, sort = "time", cursor });
        Assert.Equal(422, reply.Status);
        Assert.Equal("cursor", Field(reply));
    }

    [Fact]
    public async Task time_sort_pages_by_receive_time_in_both_directions()
    {
        var client = await WithScenarioAsync();
        foreach (var order in new[] { "asc", "desc" })
        {
            var seen = new List<long>();
            string? cursor = null;
            while (true)
            {
                var page = await Search(client, new { sort = "time", order, limit = 4, cursor });
                seen.AddRange(page.Body.GetProperty("data").EnumerateArray().Select(h => h.GetProperty("seq").GetInt64()));
                cursor = page.Body.GetProperty("next_cursor").GetString();
                if (!page.Body.GetProperty("has_more").GetBoolean()) break;
            }
            var expected = Enumerable.Range(1, 9).Select(i => (long)i).ToList();
            if (order == "desc") expected.Reverse();
            Assert.Equal(expected, seen);
        }
    }
}
