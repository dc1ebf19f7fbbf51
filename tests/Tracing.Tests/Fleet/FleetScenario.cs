using System.Text.Json;
using Tracing.Tests.Support;

namespace Tracing.Tests.Fleet;

/// <summary>
/// One session whose events touch every search column: LLM calls (one with tokens only, priced server-side; one with a
/// reported cost), a timed-out and a fast tool call, an error and a failed end. Built through the API.
/// </summary>
public static class FleetScenario
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static object E(long seq, string type, object payload, double atMs, string? span = null) => new
    {
        seq, type, payload, ts = T0.AddMilliseconds(atMs).ToString("O"), span_id = span,
    };

    public static object[] Events() =>
    [
        E(1, "llm.request", new { model = "gpt-4o", provider = "openai", input_tokens = 100 }, 0, "sp1"),
        E(2, "llm.response", new { model = "gpt-4o", provider = "openai", finish_reason = "stop", usage = new { input_tokens = 100, output_tokens = 50 } }, 1200, "sp1"),
        E(3, "tool.call", new { tool = "search", call_id = "c1", args = new { query = "weather paris", page = 2 } }, 2000),
        E(4, "tool.result", new { tool = "search", call_id = "c1", ok = false, error = new { type = "timeout", message = "no answer in 5 s" } }, 7000),
        E(5, "tool.call", new { tool = "fetch", call_id = "c2", args = new { url = "https://example.com" } }, 7100),
        E(6, "tool.result", new { tool = "fetch", call_id = "c2", ok = true, duration_ms = 42 }, 7200),
        E(7, "llm.response", new { model = "claude-sonnet-4-20250514", finish_reason = "length", usage = new { input_tokens = 1000, output_tokens = 200, cost_usd = 0.5 } }, 9000, "sp2"),
        E(8, "error", new { type = "ValueError", message = "boom" }, 9500),
        E(9, "session.ended", new { status = "error", reason = "boom" }, 9600),
    ];

    public static async Task<string> CreateAsync(TestClient client, string id, string agent = "planner")
    {
        var created = await client.Post("/api/traces", new { id, agent });
        if (created.Status != 201) throw new InvalidOperationException(created.Text);
        var appended = await client.Append(id, Events());
        if (appended.Status != 200 || appended.Body.GetProperty("accepted").GetInt32() != 9) throw new InvalidOperationException(appended.Text);
        return id;
    }

    public static async Task<Reply> Search(TestClient client, object body) => await client.Post("/api/search/events", body);

    public static List<long> Seqs(Reply r) =>
        r.Body.GetProperty("data").EnumerateArray().Select(h => h.GetProperty("seq").GetInt64()).OrderBy(x => x).ToList();

    public static object F(string column, string op, object? value) => new Dictionary<string, object?> { ["column"] = column, ["operator"] = op, ["value"] = value };

    public static string Field(Reply r) => r.Body.GetProperty("errors")[0].GetProperty("field").GetString()!;
    public static string Message(Reply r) => r.Body.GetProperty("errors")[0].GetProperty("message").GetString()!;

    public static JsonElement Only(Reply r) => r.Body.GetProperty("data").EnumerateArray().Single();
}
