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
