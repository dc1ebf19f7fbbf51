namespace Tracing.Domain.Events;

/// <summary>The documented event vocabulary (docs/events.md). Anything under <c>custom.</c> is accepted too.</summary>
public static class EventTypes
{
    public const string LlmRequest = "llm.request";
    public const string LlmResponse = "llm.response";
    public const string ToolCall = "tool.call";
    public const string ToolResult = "tool.result";
    public const string AgentStep = "agent.step";
    public const string Message = "message";
    public const string Error = "error";
    public const string Log = "log";
    public const string SessionEnded = "session.ended";
    public const string ArtifactRegistered = "artifact.registered";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        LlmRequest, LlmResponse, ToolCall, ToolResult, AgentStep, Message, Error, Log, SessionEnded, ArtifactRegistered,
    };

    public static bool IsAllowed(string type) =>
        Known.Contains(type) || (type.StartsWith("custom.", StringComparison.Ordinal) && type.Length is > 7 and <= 100);
}
