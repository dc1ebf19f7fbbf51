using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Otlp;

/// <summary>OTLP JSON in the shapes OpenLLMetry (Traceloop) and OpenInference (Arize Phoenix) export from Python.</summary>
[Collection(ApiCollection.Name)]
public sealed class InstrumentationFixtures(AppFixture app)
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Otlp", "Fixtures", name));

    private static List<string?> Types(List<JsonElement> events) => events.Select(e => e.GetProperty("type").GetString()).ToList();

    [Fact]
    public async Task an_openllmetry_export_maps_workflow_llm_and_tool_spans()
    {
        var client = await app.NewClientAsync();
        var reply = await OtlpHttp.JsonAsync(app, client.Token, Fixture("openllmetry.json"), gzip: true);
        Assert.Equal(200, reply.Status);
        Assert.Null(reply.Response.PartialSuccess);

        const string trace = "5b8efff798038103d269b633813fc60c";
        var events = await client.ReadAll(trace);
        Assert.Equal(["agent.step", "llm.response", "tool.result", "llm.response", "session.ended"], Types(events));

        var workflow = events[0].GetProperty("payload");
        Assert.Equal("agent", workflow.GetProperty("kind").GetString());
        Assert.Equal("traceloop.span.kind", workflow.GetProperty("otel").GetProperty("rule").GetString());
        Assert.Equal("OpenTelemetry", workflow.GetProperty("input").GetProperty("kwargs").GetProperty("topic").GetString());

        var response = events[1].GetProperty("payload");
        var request = response.GetProperty("request");
        Assert.Equal("llm.request.type", response.GetProperty("otel").GetProperty("rule").GetString());
        Assert.Equal("gpt-3.5-turbo", Inherited(request, response, "model"));
        Assert.Equal("OpenAI", response.GetProperty("provider").GetString());
        Assert.False(request.TryGetProperty("provider", out _)); // stored once, on the response (ADR 0035)
        Assert.Equal("system", request.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("Tell me a joke about OpenTelemetry", request.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal("https://api.openai.com/v1/", response.GetProperty("attributes").GetProperty("gen_ai.openai.api_base").GetString());
        Assert.Equal("gpt-3.5-turbo-0125", response.GetProperty("model").GetString());
        Assert.Equal("tool_call", response.GetProperty("finish_reason").GetString());
        Assert.Equal(15, response.GetProperty("usage").GetProperty("input_tokens").GetInt64());
        Assert.Equal(20, response.GetProperty("usage").GetProperty("output_tokens").GetInt64());
        Assert.Equal(35, response.GetProperty("usage").GetProperty("total_tokens").GetInt64());

        var result = events[2].GetProperty("payload");
        var call = result.GetProperty("call");
        Assert.Equal("get_weather", Inherited(call, result, "tool"));
        Assert.Equal("Paris", call.GetProperty("args").GetProperty("kwargs").GetProperty("city").GetString());
        Assert.Equal("get_weather", result.GetProperty("tool").GetString());
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal("httpx.ConnectTimeout", result.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("timed out connecting to weather.example", result.GetProperty("error").GetProperty("message").GetString());

        var answer = events[3].GetProperty("payload");
        Assert.Equal("Why did the span cross the road? To reach the collector.", answer.GetProperty("content").GetString());
        Assert.Equal("stop", answer.GetProperty("finish_reason").GetString());
        Assert.Equal("ok", events[4].GetProperty("payload").GetProperty("status").GetString());

        var analysis = await client.Post($"/api/traces/{trace}/analyze", "{}");
        Assert.Equal(200, analysis.Status);
        var finding = analysis.Body.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("detector").GetString() == "tool_error");
        Assert.Equal(3, finding.GetProperty("critical_step").GetInt64());

        await app.WaitForProjectionsAsync();
        var session = await client.Get($"/api/traces/{trace}");
        Assert.Equal("joke-service", session.Body.GetProperty("agent").GetString());
    }

    [Fact]
    public async Task an_openinference_export_joins_its_session_and_maps_agent_llm_tool_and_chain_spans()
    {
        var client = await app.NewClientAsync();
        var reply = await OtlpHttp.JsonAsync(app, client.Token, Fixture("openinference.json"));
        Assert.Equal(200, reply.Status);
        Assert.Null(reply.Response.PartialSuccess);

        var events = await client.ReadAll("oi-session-42");
        Assert.Equal(["agent.step", "llm.response", "tool.result", "agent.step", "session.ended"], Types(events));

        var agent = events[0].GetProperty("payload");
        Assert.Equal("agent", agent.GetProperty("kind").GetString());
        Assert.Equal("Plan a day in Paris", agent.GetProperty("input").GetString());
        Assert.Equal("user-7", agent.GetProperty("attributes").GetProperty("user.id").GetString());

        var response = events[1].GetProperty("payload");
        var request = response.GetProperty("request");
        Assert.Equal("openinference.span.kind", response.GetProperty("otel").GetProperty("rule").GetString());
        Assert.Equal("gpt-4o-mini-2024-07-18", Inherited(request, response, "model"));
        Assert.Equal("openai", Inherited(request, response, "provider"));
        Assert.Equal("user", request.GetProperty("messages")[1].GetProperty("role").GetString());
        Assert.Equal("Plan a day in Paris", request.GetProperty("messages")[1].GetProperty("content").GetString());

        Assert.Equal("Louvre in the morning, Seine at sunset.", response.GetProperty("content").GetString());
        Assert.Equal(50, response.GetProperty("usage").GetProperty("input_tokens").GetInt64());
        Assert.Equal(10, response.GetProperty("usage").GetProperty("output_tokens").GetInt64());

        var result = events[2].GetProperty("payload");
        var call = result.GetProperty("call");
        Assert.Equal("lookup_museum_hours", Inherited(call, result, "tool"));
        Assert.Equal("Louvre", call.GetProperty("args").GetProperty("museum").GetString());
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal("09:00-18:00", result.GetProperty("output").GetString());

        var chain = events[3].GetProperty("payload");
        Assert.Equal("span", chain.GetProperty("kind").GetString());
        Assert.Equal("format_itinerary", chain.GetProperty("name").GetString());
        Assert.Equal("{\"version\": 3}", chain.GetProperty("attributes").GetProperty("metadata").GetString());

        await app.WaitForProjectionsAsync();
        Assert.Equal("travel-agent", (await client.Get("/api/traces/oi-session-42")).Body.GetProperty("agent").GetString());
    }

    /// <summary>A carried request's field, or the response's when the request leaves it out to inherit it (CarriedParts).</summary>
    private static string? Inherited(JsonElement request, JsonElement response, string field) =>
        (request.TryGetProperty(field, out var v) ? v : response.GetProperty(field)).GetString();
}
