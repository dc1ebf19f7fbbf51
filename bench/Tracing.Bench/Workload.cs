using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tracing.Bench;

/// <summary>
/// The synthetic trace events: a rotation of documented event types whose payloads are about 300 bytes of
/// JSON and pass the API's payload rules. The raw baselines store the very same payload text.
/// </summary>
public static class Workload
{
    public const int PayloadTarget = 300;

    private static readonly (string Type, string Json)[] Raw =
        [
            ("llm.request", """{"model":"gpt-4o-mini","provider":"openai","input_tokens":812,"temperature":0.2,"prompt":"%PAD%"}"""),
            ("llm.response", """{"model":"gpt-4o-mini","finish_reason":"stop","usage":{"input_tokens":812,"output_tokens":143,"cost_usd":0.00042},"text":"%PAD%"}"""),
            ("tool.call", """{"tool":"web_search","call_id":"call_7f3a","args":{"query":"%PAD%","top_k":5}}"""),
            ("tool.result", """{"tool":"web_search","call_id":"call_7f3a","ok":true,"duration_ms":231,"result":"%PAD%"}"""),
            ("agent.step", """{"step":3,"thought":"%PAD%"}"""),
            ("log", """{"level":"info","logger":"agent.planner","message":"%PAD%"}"""),
        ];

    private static readonly (string Type, string Payload)[] Templates = Build();

    private const string Lorem = "The agent compared the retrieved passages with the user's question and decided to refine the search query before answering; ";

    /// <summary>The free text of an average event (its payload less the template's fields), for workloads that must carry as much.</summary>
    public static string AverageText { get; } = Text((int)Templates.Average(t => t.Payload.Length - (Raw.First(r => r.Type == t.Type).Json.Length - "%PAD%".Length)));

    public static string TypeOf(long seq) => Templates[(int)(seq % Templates.Length)].Type;

    public static string PayloadOf(long seq) => Templates[(int)(seq % Templates.Length)].Payload;

    public static int AveragePayloadBytes => (int)Templates.Average(t => Encoding.UTF8.GetByteCount(t.Payload));

    /// <summary>Body of POST /api/traces/{id}/events: {"events":[...]} with seqs first..first+count-1.</summary>
    public static byte[] Batch(long firstSeq, int count, DateTimeOffset ts)
    {
        var buffer = new ArrayBufferWriter<byte>(count * (PayloadTarget + 96) + 16);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("events");
            for (var i = 0; i < count; i++)
            {
                var seq = firstSeq + i;
                w.WriteStartObject();
                w.WriteNumber("seq", seq);
                w.WriteString("type", TypeOf(seq));
                w.WriteString("ts", ts);
                w.WritePropertyName("payload");
                w.WriteRawValue(PayloadOf(seq), skipInputValidation: true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }


    private static string Text(int length) => string.Concat(Enumerable.Repeat(Lorem, length / Lorem.Length + 1))[..length];

    private static (string, string)[] Build()
    {
        return Raw.Select(t =>
        {
            var padLength = Math.Max(0, PayloadTarget - (t.Json.Length - "%PAD%".Length));
            var json = t.Json.Replace("%PAD%", Text(padLength));
            using var _ = JsonDocument.Parse(json); // fail fast on a broken template
            return (t.Type, json);
        }).ToArray();
    }
}
