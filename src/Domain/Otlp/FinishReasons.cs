namespace Tracing.Domain.Otlp;

/// <summary>Provider finish reasons in the vocabulary's spelling (docs/events.md); the raw list is kept beside it.</summary>
public static class FinishReasons
{
    public static string? Map(string? raw) => raw?.ToLowerInvariant() switch
    {
        "stop" or "end_turn" or "stop_sequence" or "complete" or "finish_reason_stop" => "stop",
        "length" or "max_tokens" or "max_output_tokens" => "length",
        "content_filter" or "safety" or "recitation" => "content_filter",
        "tool_call" or "tool_calls" or "function_call" or "tool_use" => "tool_call",
        "error" => "error",
        _ => null,
    };
}
