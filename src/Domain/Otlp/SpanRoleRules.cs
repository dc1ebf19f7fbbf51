namespace Tracing.Domain.Otlp;

/// <summary>
/// Which <see cref="SpanRole"/> a span plays: an ordered table of small rules, first match wins (the shape of
/// Langfuse's ObservationTypeMapper). The official GenAI conventions come first, then OpenInference, then
/// OpenLLMetry, then hints any model call carries; a span no rule claims is a generic step. Add a row to support
/// another instrumentation.
/// </summary>
public static class SpanRoleRules
{
    public sealed record Rule(string Name, Func<SpanAttributes, SpanRole?> Match);

    public static readonly IReadOnlyList<Rule> Table =
    [
        new("gen_ai.operation.name", a => a.Str("gen_ai.operation.name") switch
        {
            "chat" or "text_completion" or "generate_content" or "embeddings" => SpanRole.Llm,
            "execute_tool" => SpanRole.Tool,
            "invoke_agent" or "create_agent" => SpanRole.Agent,
            _ => null,
        }),
        new("openinference.span.kind", a => a.Str("openinference.span.kind")?.ToUpperInvariant() switch
        {
            "LLM" or "EMBEDDING" => SpanRole.Llm,
            "TOOL" => SpanRole.Tool,
            "AGENT" => SpanRole.Agent,
            "CHAIN" or "RETRIEVER" or "RERANKER" or "GUARDRAIL" or "EVALUATOR" => SpanRole.Step,
            _ => null,
        }),
        new("traceloop.span.kind", a => a.Str("traceloop.span.kind") switch
        {
            "tool" => SpanRole.Tool,
            "agent" or "workflow" => SpanRole.Agent,
            "task" => SpanRole.Step,
            _ => null,
        }),
        // OpenLLMetry's model-call spans carry no traceloop.span.kind, only the request type.
        new("llm.request.type", a => a.Str("llm.request.type") switch
        {
            "chat" or "completion" or "embedding" or "rerank" => SpanRole.Llm,
            _ => null,
        }),
        // Older or partial GenAI instrumentations: a provider or a requested model means a model call.
        new("gen_ai model hints", a => a.Has("gen_ai.request.model") || a.Has("gen_ai.provider.name") || a.Has("gen_ai.system")
            ? SpanRole.Llm : null),
        new("gen_ai.tool.name", a => a.Has("gen_ai.tool.name") ? SpanRole.Tool : null),
    ];

    /// <summary>The role and the name of the rule that decided it (kept on the events, so a surprise is explainable).</summary>
    public static (SpanRole Role, string Rule) Decide(SpanAttributes attributes)
    {
        foreach (var rule in Table)
            if (rule.Match(attributes) is { } role) return (role, rule.Name);
        return (SpanRole.Step, "default");
    }
}
