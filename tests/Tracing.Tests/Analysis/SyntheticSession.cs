using System.Globalization;
using System.Text.Json;
using Tracing.Domain.Events;

namespace Tracing.Tests.Analysis;

/// <summary>
/// A long, realistic-looking session that trips every detector somewhere: turns of step / LLM call / tool call,
/// with failures, rate limits, repeated calls, oversized prompts and empty answers mixed in. Seeded, so the
/// same arguments always give the same events. Upper-case "I"s in types and tools catch culture-sensitive casing.
/// </summary>
public static class SyntheticSession
{
    private static readonly string[] Models = ["gpt-4o-2024-08-06", "claude-3-5-sonnet", "gemini-1.5-pro-002", "local-llama"];
    private static readonly string[] Tools = ["SearchIndex", "read_file", "INSERT_ROW", "http.get"];

    public static List<TraceEventRecorded> Build(int count, int seed = 42)
    {
        var rng = new Random(seed);
        var events = new List<TraceEventRecorded>(count);
        long seq = 0;
        var step = 0;
        void Add(string type, object payload)
        {
            if (events.Count >= count) return;
            seq++;
            // Seq gaps, as after lost batches: detectors must work on seq order, not positions.
            if (rng.Next(50) == 0) seq++;
            events.Add(TraceEvents.Of(seq, type, JsonSerializer.SerializeToElement(payload)));
        }

        while (events.Count < count - 1)
        {
            var model = Models[rng.Next(Models.Length)];
            var tool = Tools[rng.Next(Tools.Length)];
            var roll = rng.Next(100);
            Add(EventTypes.AgentStep, new { step = ++step });
            Add(EventTypes.LlmRequest, new { model, provider = "p", input_tokens = roll == 0 ? 2_500_000 : rng.Next(100, 90_000) });
            if (roll is 1 or 2)
            {
                // A burst: the client retries the same request straight away, three times.
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    if (attempt > 0) Add(EventTypes.LlmRequest, new { model, provider = "p", input_tokens = 100 });
                    Add(EventTypes.LlmResponse, new { model, error = new { type = "RATE_LIMIT_ERROR", message = $"429 Too Many Requests (req_{rng.Next():x8})" } });
                }
                continue;
            }
            if (roll == 3) Add(EventTypes.LlmResponse, new { model, content = " ", finish_reason = "stop" });
            if (roll == 4) Add(EventTypes.LlmResponse, new { model, finish_reason = "content_filter", content = "" });
            Add(EventTypes.LlmResponse, new { model, content = "", finish_reason = "tool_call", usage = new { input_tokens = 10, output_tokens = 5, cost_usd = 0.0001m } });

            var repeats = roll is 5 or 6 ? 4 : 1;
            var args = new { q = "item " + rng.Next(1000).ToString(CultureInfo.InvariantCulture), limit = 5 };
            for (var r = 0; r < repeats; r++)
            {
                var callId = "call_" + seq.ToString(CultureInfo.InvariantCulture);
                Add(EventTypes.ToolCall, new { tool, call_id = callId, args });
                var ok = rng.Next(12) != 0;
                Add(EventTypes.ToolResult, ok
                    ? new { tool, call_id = callId, ok, output = (object)"fine", error = (object?)null }
                    : new { tool, call_id = callId, ok, output = (object)"", error = (object?)new { type = "IOError", message = $"Input/output error on /data/{rng.Next(99)}/x.bin" } });
            }
            if (roll == 7) Add(EventTypes.Error, new { type = "Internal", message = $"Invariant broken at {rng.Next()}" });
        }
        Add(EventTypes.SessionEnded, new { status = "error", reason = "gave up" });
        return events;
    }
}
