using System.Buffers;
using System.Text.Json;

namespace Tracing.Bench;

/// <summary>
/// A fleet-like mix for the search/stats/export section: 10 agents, 5 models, 8 tools; LLM request/response pairs and tool
/// call/result pairs with client timestamps (so latencies are derived), ~2 % tool timeouts, some LLM errors; ~200-byte payloads.
/// Deterministic per (session, seq).
/// </summary>
public static class FleetWorkload
{
    public static readonly string[] Agents = Enumerable.Range(0, 10).Select(i => $"agent-{i}").ToArray();
    public static readonly string[] Models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-flash", "o4-mini"];
    public static readonly string[] Tools = ["search", "fetch", "shell", "python", "sql", "browser", "calendar", "email"];
    private const string Text = "The agent compared the retrieved passages with the question and refined its search query for paris weather; ";

    public static string AgentOf(int session) => Agents[session % Agents.Length];

    /// <summary>{"events":[...]} for seqs first..first+count-1 of session <paramref name="session"/>.</summary>
    public static byte[] Batch(int session, long first, int count, DateTimeOffset t0)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 320);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("events");
            for (var seq = first; seq < first + count; seq++) Event(w, session, seq, t0);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Event(Utf8JsonWriter w, int session, long seq, DateTimeOffset t0)
    {
        var pair = (seq - 1) / 2;               // two events per step: call then result
        var isResult = seq % 2 == 0;
        var h = Hash(session, pair);
        var llm = h % 3 == 0;
        var ts = t0.AddMilliseconds(pair * 10_000 + (isResult ? 50 + (h >> 4) % 4000 : 0));
        w.WriteStartObject();
        w.WriteNumber("seq", seq);
        w.WriteString("ts", ts);
        if (llm)
        {
            var model = Models[(h >> 8) % (uint)Models.Length];
            w.WriteString("type", isResult ? "llm.response" : "llm.request");
            w.WriteString("span_id", $"s{pair}");
            w.WriteStartObject("payload");
            w.WriteString("model", model);
            w.WriteString("provider", model.StartsWith("gpt") || model.StartsWith("o4") ? "openai" : "other");
            if (isResult)
            {
                var failed = (h >> 16) % 50 == 7;
                w.WriteString("finish_reason", failed ? "error" : "stop");
                if (failed) { w.WriteStartObject("error"); w.WriteString("type", "rate_limit"); w.WriteEndObject(); }
                w.WriteStartObject("usage");
                w.WriteNumber("input_tokens", 200 + h % 3000);
                w.WriteNumber("output_tokens", 20 + h % 700);
                w.WriteEndObject();
                w.WriteString("text", Text);
            }
            else w.WriteString("prompt", Text);
        }
        else
        {
            var tool = Tools[(h >> 8) % (uint)Tools.Length];
            w.WriteString("type", isResult ? "tool.result" : "tool.call");
            w.WriteStartObject("payload");
            w.WriteString("tool", tool);
            w.WriteString("call_id", $"c{pair}");
            if (isResult)
            {
                var timeout = (h >> 16) % 50 == 11;
                w.WriteBoolean("ok", !timeout);
                if (timeout) { w.WriteStartObject("error"); w.WriteString("type", "timeout"); w.WriteString("message", "no answer"); w.WriteEndObject(); }
                w.WriteString("output", Text);
            }
            else
            {
                w.WriteStartObject("args");
                w.WriteString("query", (h >> 20) % 100 == 3 ? "weather in paris" : "quarterly revenue");
                w.WriteEndObject();
            }
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static uint Hash(int session, long pair)
    {
        var x = (uint)(session * 2654435761u) ^ (uint)(pair * 40503u);
        x ^= x >> 13; x *= 0x5bd1e995; x ^= x >> 15;
        return x;
    }
}
