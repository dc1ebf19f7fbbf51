using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracing.WebConsole.Replay;

/// <summary>One stored event as replay returns it, with the fields the timeline reads pulled out of its JSON.</summary>
public sealed record TraceEvent(long Seq, string Type, string? SpanId, string? ParentSpanId, DateTimeOffset? Ts, JsonElement Payload, JsonElement Raw)
{
    public static TraceEvent Parse(JsonElement e)
    {
        var payload = e.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        return new TraceEvent(
            e.GetProperty("seq").GetInt64(), Str(e, "type") ?? "?", Str(e, "span_id"), Str(e, "parent_span_id"),
            Str(e, "ts") is { } ts && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null,
            payload, e);
    }

    /// <summary>
    /// The request an <c>llm.response</c> carries, or the call a <c>tool.result</c> carries (docs/events.md, ADR 0034),
    /// as the separate event it stands for: same seq and span, dated by <c>started_at</c>; the identifying fields it leaves
    /// out (model and provider, tool and call id) come from the event that carries it. Null when it carries none.
    /// </summary>
    public TraceEvent? Carried
    {
        get
        {
            var (name, type, inherited) = Type switch
            {
                "llm.response" => ("request", "llm.request", new[] { "model", "provider" }),
                "tool.result" => ("call", "tool.call", new[] { "tool", "call_id" }),
                _ => ("", "", Array.Empty<string>()),
            };
            if (name == "" || Element(name) is not { ValueKind: JsonValueKind.Object } part) return null;
            var missing = inherited.Where(f => !part.TryGetProperty(f, out _) && Field(f) is not null).ToList();
            var payload = part;
            if (missing.Count > 0)
            {
                var copy = JsonNode.Parse(part.GetRawText())!.AsObject();
                foreach (var f in missing) copy[f] = Field(f);
                payload = JsonSerializer.SerializeToElement(copy);
            }
            var started = Field("started_at") is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? t : (DateTimeOffset?)null;
            return new TraceEvent(Seq, type, SpanId, ParentSpanId, started, payload, Raw);
        }
    }

    public string? Field(string name) => Payload.ValueKind == JsonValueKind.Object ? Str(Payload, name) : null;

    public JsonElement? Element(string name) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(name, out var v) ? v : null;

    /// <summary>An error event, a failed tool result, or an LLM response carrying an error.</summary>
    public bool IsError =>
        Type == "error" ||
        (Type == "tool.result" && Element("ok") is { ValueKind: JsonValueKind.False }) ||
        (Type is "tool.result" or "llm.response" && Element("error") is { ValueKind: JsonValueKind.Object }) ||
        (Type == "session.ended" && Field("status") == "error");

    /// <summary>The one line the timeline shows for the event.</summary>
    public string Summary => Type switch
    {
        "llm.request" => $"{Field("model") ?? "model"} · {MessageCount()} messages",
        "llm.response" => ErrorText() ?? $"{Field("model") ?? "model"}: {Text(Element("content"))}",
        "tool.call" => $"{Field("tool") ?? "tool"}({Text(Element("args"))})",
        "tool.result" => ErrorText() is { } err ? $"{Field("tool") ?? "tool"} failed: {err}" : $"{Field("tool") ?? "tool"} → {Text(Element("output"))}",
        "error" => $"{Field("type") ?? "error"}: {Field("message")}",
        "agent.step" => $"step {Text(Element("step"))}",
        "artifact.registered" => $"{Field("kind") ?? "artifact"} · {Field("content_type")} · {Text(Element("size"))} bytes",
        "session.ended" => $"{Field("status")} {Field("reason")}".Trim(),
        _ => Text(Payload),
    };

    public string? ErrorText() => Element("error") is { ValueKind: JsonValueKind.Object } err
        ? $"{Str(err, "type")}: {Str(err, "message")}".Trim(' ', ':')
        : null;

    private int MessageCount() => Element("messages") is { ValueKind: JsonValueKind.Array } m ? m.GetArrayLength() : 0;

    /// <summary>A short single-line rendering of any JSON value.</summary>
    public static string Text(JsonElement? value, int max = 140)
    {
        if (value is not { } v || v.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return "";
        var s = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        s = s.ReplaceLineEndings(" ");
        return s.Length <= max ? s : s[..max] + "…";
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
