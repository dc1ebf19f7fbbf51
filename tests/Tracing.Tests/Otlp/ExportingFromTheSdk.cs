using System.Text.Json;
using Tracing.Tests.Support;
using Wolverine;
using Wolverine.Tracking;
using Xunit;

namespace Tracing.Tests.Otlp;

[Collection(ApiCollection.Name)]
public sealed class ExportingFromTheSdk(AppFixture app)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task an_agent_trace_from_the_opentelemetry_sdk_replays_in_order_with_mapped_fields_and_is_analysed(bool json)
    {
        var client = await app.NewClientAsync();
        using var exporter = new SdkExporter(app, client.Token, json);
        var session = json ? "conv-" + Guid.NewGuid().ToString("N")[..8] : null;
        AgentTrace.Ids ids = null!;
        var flushed = false;
        // Wolverine's tracking waits for the analysis the root span's end triggers (through the outbox).
        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).ExecuteAndWaitAsync(async Task (IMessageContext _) =>
        {
            ids = AgentTrace.Run(exporter.Source, session);
            flushed = await exporter.FlushAsync();
        });
        Assert.True(flushed, "export failed: " + string.Join(" | ", exporter.Answers));
        Assert.Single(exporter.SentBodies);
        var id = session ?? ids.TraceId;

        // One stored event a span (ADR 0034): a chat is an llm.response carrying its request, a tool execution a
        // tool.result carrying its call.
        var events = await client.ReadAll(id);
        Assert.Equal(["agent.step", "llm.response", "tool.result", "llm.response", "session.ended"],
            events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), events.Select(e => e.GetProperty("seq").GetInt64()));

        var step = events[0].GetProperty("payload");
        Assert.Equal("planner", step.GetProperty("agent").GetString());
        Assert.Equal("agent", step.GetProperty("kind").GetString());
        Assert.Equal(ids.RootSpanId, events[0].GetProperty("span_id").GetString());
        Assert.All(events.Skip(1).SkipLast(1), e => Assert.Equal(ids.RootSpanId, e.GetProperty("parent_span_id").GetString()));
        Assert.Equal($"otlp:{ids.TraceId}:{ids.RootSpanId}:step", events[0].GetProperty("idempotency_key").GetString());
        var chatSpan = events[1].GetProperty("span_id").GetString();
        Assert.Equal($"otlp:{ids.TraceId}:{chatSpan}:response", events[1].GetProperty("idempotency_key").GetString());
        Assert.Equal($"otlp:{ids.TraceId}:{ids.ToolSpanId}:result", events[2].GetProperty("idempotency_key").GetString());

        var response = events[1].GetProperty("payload");
        var request = response.GetProperty("request");
        Assert.Equal("gpt-4o", request.GetProperty("model").GetString());
        Assert.False(request.TryGetProperty("provider", out _)); // the response's, inherited (ADR 0035)
        Assert.Equal("openai", response.GetProperty("provider").GetString());
        Assert.Equal("chat", request.GetProperty("operation").GetString());
        Assert.Equal(120, request.GetProperty("input_tokens").GetInt64());
        Assert.Equal("Weather in Paris?", request.GetProperty("messages")[0].GetProperty("parts")[0].GetProperty("content").GetString());
        Assert.Equal("gpt-4o-2024-08-06", response.GetProperty("model").GetString());
        Assert.Equal("tool_call", response.GetProperty("finish_reason").GetString());
        Assert.Equal(120, response.GetProperty("usage").GetProperty("input_tokens").GetInt64());
        Assert.Equal(15, response.GetProperty("usage").GetProperty("output_tokens").GetInt64());
        Assert.Equal("tool_call", response.GetProperty("output_messages")[0].GetProperty("parts")[0].GetProperty("type").GetString());
        // The span's start is the request's time, its end the response's: its duration is ts - started_at, not stored again.
        var started = response.GetProperty("started_at").GetDateTimeOffset();
        var ended = events[1].GetProperty("ts").GetDateTimeOffset();
        Assert.True(started <= ended);
        Assert.Equal(TimeSpan.Zero, started.Offset);
        Assert.False(response.TryGetProperty("duration_ms", out _));

        var result = events[2].GetProperty("payload");
        var call = result.GetProperty("call");
        Assert.False(call.TryGetProperty("tool", out _)); // the result's tool and call id, inherited
        Assert.Equal("call_1", result.GetProperty("call_id").GetString());
        Assert.Equal("paris weather", call.GetProperty("args").GetProperty("q").GetString());
        Assert.Equal(ids.ToolSpanId, events[2].GetProperty("span_id").GetString());
        Assert.Equal("search", result.GetProperty("tool").GetString());
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal("System.TimeoutException", result.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("search timed out after 30s", result.GetProperty("error").GetProperty("message").GetString());
        Assert.True(result.TryGetProperty("started_at", out _));

        var second = events[3].GetProperty("payload");
        Assert.Equal("I could not check; probably mild.", second.GetProperty("content").GetString());
        Assert.Equal("stop", second.GetProperty("finish_reason").GetString());
        Assert.False(second.TryGetProperty("output_messages", out _)); // one text message: its content says it all
        Assert.Equal(100, second.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt64());
        Assert.Equal("openai", second.GetProperty("provider").GetString()); // from the older gen_ai.system
        Assert.True(second.GetProperty("attributes").GetProperty("app.flag").GetBoolean());
        Assert.Equal("ok", events[4].GetProperty("payload").GetProperty("status").GetString());

        await app.WaitForProjectionsAsync();
        var summary = await client.Get($"/api/traces/{id}");
        Assert.Equal(200, summary.Status);
        Assert.Equal("planner", summary.Body.GetProperty("agent").GetString());
        Assert.Equal("ended", summary.Body.GetProperty("status").GetString());

        // The root span's end queues the analysis on the PostgreSQL work queue (ADR 0025): wait for its result.
        var analysis = await Eventually.UntilAsync(() => client.Get($"/api/traces/{id}/analysis"),
            r => r.Status == 200, TimeSpan.FromSeconds(30), r => $"no analysis yet: {r.Status}");
        Assert.Equal("session_ended", analysis.Body.GetProperty("trigger").GetString());
        var finding = analysis.Body.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("detector").GetString() == "tool_error");
        Assert.Equal(3, finding.GetProperty("critical_step").GetInt64());
        Assert.Equal([3L], finding.GetProperty("evidence_seqs").EnumerateArray().Select(x => x.GetInt64())); // the call is carried: same seq
    }

    [Fact]
    public async Task a_child_exported_before_its_parent_is_stored_and_links_up_when_the_parent_arrives()
    {
        var client = await app.NewClientAsync();
        using var exporter = new SdkExporter(app, client.Token, json: false, path: "/otel/v1/traces");
        string traceId, rootSpan;
        using (var root = exporter.Source.StartActivity("invoke_agent")!)
        {
            (traceId, rootSpan) = (root.TraceId.ToHexString(), root.SpanId.ToHexString());
            root.SetTag("gen_ai.operation.name", "invoke_agent");
            using (var child = exporter.Source.StartActivity("execute_tool lookup")!)
            {
                child.SetTag("gen_ai.operation.name", "execute_tool");
                child.SetTag("gen_ai.tool.name", "lookup");
            }
            Assert.True(await exporter.FlushAsync(), string.Join(" | ", exporter.Answers));
            var early = await client.ReadAll(traceId);
            Assert.Equal(["tool.result"], early.Select(e => e.GetProperty("type").GetString()));
            Assert.Equal(rootSpan, early[0].GetProperty("parent_span_id").GetString());
        }
        Assert.True(await exporter.FlushAsync());

        var events = await client.ReadAll(traceId);
        Assert.Equal(["tool.result", "agent.step", "session.ended"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(rootSpan, events[1].GetProperty("span_id").GetString());
        await app.WaitForProjectionsAsync();
        Assert.Equal("planner-service", (await client.Get($"/api/traces/{traceId}")).Body.GetProperty("agent").GetString());
    }

    [Fact]
    public async Task the_readme_s_three_environment_variables_are_all_an_sdk_needs()
    {
        var client = await app.NewClientAsync();
        // The README's three lines, with the test server's address; the SDK appends /v1/traces to the endpoint itself.
        using var exporter = new SdkExporter(app, client.Token, json: false, environment: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://localhost",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = $"Authorization=Bearer {client.Token}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        string traceId;
        using (var root = exporter.Source.StartActivity("invoke_agent")!) traceId = root.TraceId.ToHexString();
        Assert.True(await exporter.FlushAsync(), string.Join(" | ", exporter.Answers));
        Assert.Equal(["/v1/traces"], exporter.Paths);
        Assert.Equal(["agent.step", "session.ended"], (await client.ReadAll(traceId)).Select(e => e.GetProperty("type").GetString()));
    }
}
