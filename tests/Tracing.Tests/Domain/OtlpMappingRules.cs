using System.Text.Json;
using System.Text.Json.Nodes;
using Tracing.Domain.Events;
using Tracing.Domain.Otlp;
using Xunit;

namespace Tracing.Tests.Domain;

/// <summary>The OTLP span mapping and the server-assigned seq rule, without a host.</summary>
public sealed class OtlpMappingRules
{
    private static SpanData Span(string? parent = "00000000000000ff", int status = SpanStatus.Unset, params (string Key, object Value)[] attrs) =>
        new("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", parent, "span", 1, 1_000_000, 5_000_000,
            attrs.ToDictionary(a => a.Key, a => (JsonNode?)JsonValue.Create(a.Value)), new Dictionary<string, JsonNode?>(), "scope",
            new SpanStatus(status, null), []);

    [Theory]
    [InlineData("gen_ai.operation.name", "chat", SpanRole.Llm)]
    [InlineData("gen_ai.operation.name", "embeddings", SpanRole.Llm)]
    [InlineData("gen_ai.operation.name", "execute_tool", SpanRole.Tool)]
    [InlineData("gen_ai.operation.name", "create_agent", SpanRole.Agent)]
    [InlineData("openinference.span.kind", "TOOL", SpanRole.Tool)]
    [InlineData("openinference.span.kind", "RETRIEVER", SpanRole.Step)]
    [InlineData("traceloop.span.kind", "workflow", SpanRole.Agent)]
    [InlineData("llm.request.type", "completion", SpanRole.Llm)]
    [InlineData("gen_ai.system", "anthropic", SpanRole.Llm)]
    [InlineData("http.method", "GET", SpanRole.Step)]
    public void each_instrumentation_s_own_attribute_decides_the_role(string key, string value, SpanRole role) =>
        Assert.Equal(role, SpanRoleRules.Decide(new SpanAttributes(new Dictionary<string, JsonNode?> { [key] = value })).Role);

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    [Fact]
    public void a_json_string_attribute_too_deep_to_fit_a_payload_is_kept_as_its_text()
    {
        // Parsed, 63 levels of arguments would sit three levels down in the payload (tool.result > call > args): past the
        // 64 levels every stored payload keeps to. Kept as the string it was sent as instead; a shallow one is parsed.
        var deep = Nested(63);
        var events = SpanEvents.Map(Span(attrs: [("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.call.arguments", deep)]));
        Assert.Equal(deep, (string?)events[0].Payload[CarriedParts.CallField]!["args"]);
        var (plan, rejected) = ExportPlan.Decide([Span(attrs: [("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.call.arguments", deep)])], [null]);
        Assert.Empty(rejected);
        Assert.Single(plan);

        var shallow = SpanEvents.Map(Span(attrs: [("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.call.arguments", Nested(3))]));
        Assert.IsType<JsonArray>(shallow[0].Payload[CarriedParts.CallField]!["args"]);
    }

    [Fact]
    public void a_span_whose_payload_would_nest_past_64_levels_is_refused_by_position_not_failed()
    {
        // Attribute values built from protobuf AnyValues are bounded by the protobuf parser's recursion limit; this one is
        // built directly, as a guard that the plan refuses the span (partial success) instead of throwing.
        JsonNode node = new JsonArray();
        for (var i = 0; i < 70; i++) node = new JsonArray(node);
        var span = Span(attrs: [("custom.x", 1L)]) with
        {
            Attributes = new Dictionary<string, JsonNode?> { ["custom.deep"] = node },
        };
        var (plan, rejected) = ExportPlan.Decide([span, Span(attrs: [("custom.x", 1L)]) with { SpanId = "c7ad6b7169203331" }], [null, null]);
        Assert.Equal(0, Assert.Single(rejected).Span);
        Assert.Contains("64 levels", rejected[0].Reason);
        Assert.Single(plan);
    }

    [Fact]
    public void the_first_matching_rule_wins()
    {
        var attrs = new SpanAttributes(new Dictionary<string, JsonNode?>
        {
            ["gen_ai.operation.name"] = "execute_tool", ["openinference.span.kind"] = "LLM", ["traceloop.span.kind"] = "agent",
        });
        Assert.Equal((SpanRole.Tool, "gen_ai.operation.name"), SpanRoleRules.Decide(attrs));
    }

    [Fact]
    public void a_failed_generic_span_adds_an_error_event_and_unused_attributes_are_kept_once()
    {
        var events = SpanEvents.Map(Span(status: SpanStatus.Error, attrs: [("error.type", "Boom"), ("custom.x", 3L)]));
        Assert.Equal([EventTypes.AgentStep, EventTypes.Error], events.Select(e => e.Type));
        Assert.Equal("Boom", (string?)events[1].Payload["type"]);
        Assert.Equal(3L, (long?)events[0].Payload["attributes"]!["custom.x"]);
        Assert.Null(events[1].Payload["attributes"]);
    }

    [Fact]
    public void the_attribute_that_named_the_session_is_not_kept_again_but_one_that_did_not_is()
    {
        var routed = SpanEvents.Map(Span(attrs: [("session.id", "s-1"), ("gen_ai.conversation.id", "conv-1")]))[0];
        Assert.Equal("conv-1", (string?)routed.Payload["attributes"]!["gen_ai.conversation.id"]);
        Assert.Null(routed.Payload["attributes"]!["session.id"]);

        var byConversation = SpanEvents.Map(Span(attrs: [("gen_ai.conversation.id", "conv-1")]))[0];
        Assert.Null(byConversation.Payload["attributes"]);

        // The resource's session.id named the session: the span's conversation id did not, so it is kept.
        var span = Span(attrs: [("gen_ai.conversation.id", "conv-1")]) with
        {
            Resource = new Dictionary<string, JsonNode?> { ["session.id"] = JsonValue.Create("s-2") },
        };
        Assert.Equal("s-2", SessionRouting.SessionOf(span));
        Assert.Equal("conv-1", (string?)SpanEvents.Map(span)[0].Payload["attributes"]!["gen_ai.conversation.id"]);
    }

    [Fact]
    public void a_complete_llm_or_tool_span_is_one_event_that_carries_its_request_or_call()
    {
        var llm = Assert.Single(SpanEvents.Map(Span(attrs: [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"),
            ("gen_ai.request.model", "gpt-4o"), ("gen_ai.usage.input_tokens", 12L), ("gen_ai.request.temperature", 0.5)])));
        Assert.Equal(("response", EventTypes.LlmResponse), (llm.Role, llm.Type));
        Assert.Equal(SpanData.FromUnixNano(5_000_000), llm.Ts);
        var request = llm.Payload[CarriedParts.RequestField]!;
        // What the request would inherit from its response is stored once, on the response (ADR 0035).
        Assert.Equal(("gpt-4o", "openai"), ((string?)llm.Payload["model"], (string?)llm.Payload["provider"]));
        Assert.Null(request["model"]);
        Assert.Null(request["provider"]);
        Assert.Equal("chat", (string?)request["operation"]);
        Assert.Equal(12L, (long?)request["input_tokens"]);
        Assert.Equal(0.5, (double?)request["temperature"]);
        Assert.Null(llm.Payload["duration_ms"]); // ts - started_at
        Assert.Equal("2026-01-01T00:00:00.0010000Z".Length, ((string?)llm.Payload[CarriedParts.StartedAtField])!.Length);

        var tool = Assert.Single(SpanEvents.Map(Span(status: SpanStatus.Error, attrs: [("gen_ai.operation.name", "execute_tool"),
            ("gen_ai.tool.name", "grep"), ("gen_ai.tool.call.id", "c1"), ("gen_ai.tool.call.arguments", "{\"q\":1}")])));
        Assert.Equal(("result", EventTypes.ToolResult), (tool.Role, tool.Type));
        Assert.False((bool)tool.Payload["ok"]!);
        Assert.Equal(("grep", "c1"), ((string?)tool.Payload["tool"], (string?)tool.Payload["call_id"]));
        Assert.Null(tool.Payload["call"]!["tool"]);
        Assert.Null(tool.Payload["call"]!["call_id"]);
        Assert.Equal(1L, (long?)tool.Payload["call"]!["args"]!["q"]);

        // Read back as the pair it stands for: the carried part is the request, dated at the span's start.
        var stored = Stored(EventTypes.LlmResponse, llm.Payload, llm.Ts);
        var part = CarriedParts.Of(stored)!;
        Assert.Equal((EventTypes.LlmRequest, stored.Seq, SpanData.FromUnixNano(1_000_000)), (part.Type, part.Seq, part.Ts!.Value));
        Assert.Equal("gpt-4o", EventFacts.Str(part.Payload, "model"));
        Assert.Equal("openai", EventFacts.Str(part.Payload, "provider"));
        var call = CarriedParts.Of(Stored(EventTypes.ToolResult, tool.Payload, tool.Ts))!;
        Assert.Equal(("grep", "c1"), (EventFacts.Str(call.Payload, "tool"), EventFacts.Str(call.Payload, "call_id")));
        Assert.Null(PayloadRules.Check(EventTypes.LlmResponse, stored.Payload));
        Assert.Null(PayloadRules.Check(EventTypes.ToolResult, JsonSerializer.SerializeToElement(tool.Payload)));
    }

    [Fact]
    public void a_span_too_big_for_one_event_is_stored_as_its_pair_when_each_half_fits()
    {
        var big = new string('x', 150_000); // input and output each fit under 256 KiB, together they do not
        var span = Span(attrs: [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.input.messages", $$"""[{"role":"user","content":"{{big}}"}]"""),
            ("gen_ai.output.messages", $$"""[{"role":"assistant","content":"{{big}}"}]""")]);
        var (plan, rejected) = ExportPlan.Decide([span], [null]);
        Assert.Empty(rejected);
        var events = Assert.Single(plan).Events;
        Assert.Equal([EventTypes.LlmRequest, EventTypes.LlmResponse], events.Select(e => e.Type));
        Assert.Equal([":request", ":response"], events.Select(e => e.IdempotencyKey[e.IdempotencyKey.LastIndexOf(':')..]));
        Assert.Equal(big, events[0].Payload.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(big, events[1].Payload.GetProperty("content").GetString());
        Assert.False(events[1].Payload.TryGetProperty(CarriedParts.RequestField, out _));
        // Stored apart, the request names its model and provider itself.
        Assert.Equal(("gpt-4o", "openai"), (events[0].Payload.GetProperty("model").GetString(), events[0].Payload.GetProperty("provider").GetString()));
        Assert.Equal([SpanData.FromUnixNano(1_000_000), SpanData.FromUnixNano(5_000_000)], events.Select(e => e.Ts!.Value));
    }

    [Theory]
    [InlineData("llm.response", """{"request": "gpt-4o"}""", "payload.request must be an object")]
    [InlineData("llm.response", """{"request": {"input_tokens": -1}}""", "payload.request.input_tokens must be a non-negative integer")]
    [InlineData("llm.response", """{"request": {}, "started_at": "yesterday"}""", "payload.started_at must be an ISO 8601 timestamp")]
    [InlineData("tool.result", """{"call": {"tool": 3}}""", "payload.call.tool must be a string")]
    [InlineData("tool.result", """{"call": {"tool": "grep", "args": {"q": 1}}, "started_at": "2026-01-01T00:00:00Z"}""", null)]
    [InlineData("llm.response", """{"started_at": "not read without a request"}""", null)]
    public void a_carried_request_or_call_is_checked_as_the_event_it_stands_for(string type, string payload, string? problem)
    {
        using var doc = JsonDocument.Parse(payload);
        Assert.Equal(problem, PayloadRules.Check(type, doc.RootElement));
    }

    [Fact]
    public void a_carried_part_takes_the_identifying_fields_it_leaves_out_from_its_carrier()
    {
        using var doc = JsonDocument.Parse("""{"tool": "grep", "call_id": "c9", "ok": true, "call": {"args": {"q": 1}}}""");
        var part = CarriedParts.Of(Stored(EventTypes.ToolResult, doc.RootElement))!;
        Assert.Equal(EventTypes.ToolCall, part.Type);
        Assert.Equal(("grep", "c9"), (EventFacts.Str(part.Payload, "tool"), EventFacts.Str(part.Payload, "call_id")));
        Assert.Null(part.Ts); // no started_at: the request's time is unknown
        using var plain = JsonDocument.Parse("""{"tool": "grep", "ok": true}""");
        Assert.Null(CarriedParts.Of(Stored(EventTypes.ToolResult, plain.RootElement)));
    }

    private static TraceEventRecorded Stored(string type, JsonNode payload, DateTimeOffset? ts = null) =>
        Stored(type, JsonSerializer.SerializeToElement(payload), ts);

    private static TraceEventRecorded Stored(string type, JsonElement payload, DateTimeOffset? ts = null) =>
        new("s", 7, "k", type, ts, "span", null, payload.Clone(), DateTimeOffset.UnixEpoch, "h");

    [Theory]
    [InlineData("tool_calls", "tool_call")]
    [InlineData("end_turn", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("something_new", null)]
    public void provider_finish_reasons_are_spelled_as_the_vocabulary_does(string raw, string? mapped) =>
        Assert.Equal(mapped, FinishReasons.Map(raw));

    [Fact]
    public void seqs_follow_the_last_one_and_stored_keys_with_equal_content_are_duplicates_whatever_their_seq()
    {
        var (plan, rejected) = ExportPlan.Decide([Span(parent: null)], [null]);
        Assert.Empty(rejected);
        var events = Assert.Single(plan).Events;
        Assert.Equal([EventTypes.AgentStep, EventTypes.SessionEnded], events.Select(e => e.Type));

        var first = AppendDecision.DecideAtNext(7, events, new Dictionary<string, StoredKey>());
        Assert.Equal([8L, 9L], first.Accepted.Select(e => e.Seq));

        // A retry after other events landed: the keys are stored at seqs 8 and 9, the session is at 12.
        var stored = first.Accepted.ToDictionary(e => e.IdempotencyKey, e => new StoredKey(e.IdempotencyKey, e.Seq, e.ContentHash));
        var retry = AppendDecision.DecideAtNext(12, events, stored);
        Assert.Empty(retry.Accepted);
        Assert.Equal(2, retry.Duplicates);
        Assert.Equal(12, retry.LastSeq);
    }
}
