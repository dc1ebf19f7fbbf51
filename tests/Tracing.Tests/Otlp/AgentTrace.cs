using System.Diagnostics;

namespace Tracing.Tests.Otlp;

/// <summary>An agent-shaped trace, instrumented with the GenAI semantic conventions: invoke_agent → chat → execute_tool (fails) → chat.</summary>
public static class AgentTrace
{
    public sealed record Ids(string TraceId, string RootSpanId, string ToolSpanId);

    public static Ids Run(ActivitySource source, string? sessionId = null)
    {
        string toolSpan;
        using var root = source.StartActivity("invoke_agent planner", ActivityKind.Internal)!;
        Tag(root, sessionId, ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "planner"));

        using (var chat = source.StartActivity("chat gpt-4o", ActivityKind.Client)!)
        {
            Tag(chat, sessionId, ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"),
                ("gen_ai.response.model", "gpt-4o-2024-08-06"), ("gen_ai.usage.input_tokens", 120), ("gen_ai.usage.output_tokens", 15),
                ("gen_ai.response.finish_reasons", new[] { "tool_calls" }),
                ("gen_ai.input.messages", """[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]"""),
                ("gen_ai.output.messages", """[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"search"}],"finish_reason":"tool_call"}]"""));
        }

        using (var tool = source.StartActivity("execute_tool search", ActivityKind.Internal)!)
        {
            toolSpan = tool.SpanId.ToHexString();
            Tag(tool, sessionId, ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "search"), ("gen_ai.tool.call.id", "call_1"),
                ("gen_ai.tool.call.arguments", """{"q":"paris weather"}"""), ("error.type", "TimeoutException"));
            tool.AddException(new TimeoutException("search timed out after 30s"));
            tool.SetStatus(ActivityStatusCode.Error, "search timed out after 30s");
        }

        using (var chat = source.StartActivity("chat gpt-4o", ActivityKind.Client)!)
        {
            Tag(chat, sessionId, ("gen_ai.operation.name", "chat"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o"),
                ("gen_ai.usage.input_tokens", 140), ("gen_ai.usage.output_tokens", 12), ("gen_ai.usage.cache_read.input_tokens", 100),
                ("gen_ai.response.finish_reasons", new[] { "stop" }), ("app.flag", true),
                ("gen_ai.output.messages", """[{"role":"assistant","parts":[{"type":"text","content":"I could not check; probably mild."}],"finish_reason":"stop"}]"""));
        }
        return new Ids(root.TraceId.ToHexString(), root.SpanId.ToHexString(), toolSpan);
    }

    private static void Tag(Activity a, string? sessionId, params (string Key, object Value)[] tags)
    {
        if (sessionId is not null) a.SetTag("session.id", sessionId);
        foreach (var (k, v) in tags) a.SetTag(k, v);
    }
}
