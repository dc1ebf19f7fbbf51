using System.Text;
using System.Text.Json.Nodes;

namespace Tracing.Domain.Otlp;

/// <summary>
/// Prompt and completion messages wherever an instrumentation put them: the GenAI conventions' structured
/// <c>gen_ai.input.messages</c>/<c>gen_ai.output.messages</c>, their older indexed <c>gen_ai.prompt.N.*</c> /
/// <c>gen_ai.completion.N.*</c> (OpenLLMetry), OpenInference's <c>llm.input_messages.N.message.*</c>, and the plain
/// inputs and outputs of <c>traceloop.entity.*</c> and <c>input.value</c>/<c>output.value</c>.
/// </summary>
public static class GenAiMessages
{
    public static JsonNode? Input(SpanAttributes a) =>
        a.Json("gen_ai.input.messages")
        ?? Indexed(a, "gen_ai.prompt.")
        ?? Indexed(a, "llm.input_messages.", "message.")
        ?? a.Json("traceloop.entity.input", "input.value");

    public static JsonNode? Output(SpanAttributes a) =>
        a.Json("gen_ai.output.messages")
        ?? Indexed(a, "gen_ai.completion.")
        ?? Indexed(a, "llm.output_messages.", "message.")
        ?? a.Json("traceloop.entity.output", "output.value");

    /// <summary>
    /// What the detectors read as <c>llm.response.content</c>: the last output message's text (a string content, or
    /// its text parts joined); its parts when it has no text (tool calls); a plain output as it is.
    /// </summary>
    public static JsonNode? ContentOf(JsonNode? output)
    {
        var last = output is JsonArray { Count: > 0 } list ? list[^1] : output;
        if (last is not JsonObject message) return last?.DeepClone();
        if (message["content"] is JsonValue c) return c.DeepClone();
        if (message["parts"] is JsonArray parts)
        {
            var text = new StringBuilder();
            foreach (var part in parts)
                if (part is JsonObject p && TextOf(p["type"]) == "text" && TextOf(p["content"]) is { } s) text.Append(s);
            return text.Length > 0 ? JsonValue.Create(text.ToString()) : parts.DeepClone();
        }
        return message.DeepClone();
    }

    /// <summary>
    /// True when the output is one message of text only (a string content, or text parts), so <see cref="ContentOf"/>
    /// and the finish reason say all of it and the message list need not be stored a second time.
    /// </summary>
    public static bool IsPlainText(JsonNode? output)
    {
        if (output is not JsonArray { Count: 1 } list || list[0] is not JsonObject m) return false;
        if (m.Any(p => p.Key is not ("role" or "content" or "parts" or "finish_reason"))) return false;
        if (m["parts"] is JsonArray parts) return m["content"] is null && parts.All(p => p is JsonObject o && TextOf(o["type"]) == "text" && o.Count == 2);
        return TextOf(m["content"]) is not null;
    }

    /// <summary>The finish reason of the last output message, when the output messages carry one.</summary>
    public static string? FinishReasonOf(JsonNode? output)
    {
        var last = output is JsonArray { Count: > 0 } list ? list[^1] : output;
        return last is JsonObject m ? TextOf(m["finish_reason"]) : null;
    }

    /// <summary>A JSON string's text; null for anything else.</summary>
    public static string? TextOf(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonArray? Indexed(SpanAttributes a, string prefix, string? fieldPrefix = null)
    {
        var items = a.Indexed(prefix);
        if (items.Count == 0) return null;
        var list = new JsonArray();
        foreach (var item in items)
        {
            if (fieldPrefix is null) { list.Add(item); continue; }
            var clean = new JsonObject();
            foreach (var (k, v) in item.ToList())
            {
                item.Remove(k);
                clean[k.StartsWith(fieldPrefix, StringComparison.Ordinal) ? k[fieldPrefix.Length..] : k] = v;
            }
            list.Add(clean);
        }
        return list;
    }
}
