namespace Tracing.Domain.Otlp;

/// <summary>What a span is for Tracing; decides which events of the vocabulary it becomes (docs/otlp.md).</summary>
public enum SpanRole
{
    /// <summary>A model call: <c>llm.request</c> at its start, <c>llm.response</c> at its end.</summary>
    Llm,
    /// <summary>A tool execution: <c>tool.call</c> and <c>tool.result</c>.</summary>
    Tool,
    /// <summary>An agent invocation or creation: <c>agent.step</c> (and <c>error</c> when it failed).</summary>
    Agent,
    /// <summary>Anything else: <c>agent.step</c> (and <c>error</c> when it failed).</summary>
    Step,
}
