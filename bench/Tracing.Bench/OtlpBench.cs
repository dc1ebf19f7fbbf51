using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Http.Headers;
using Google.Protobuf;
using Tracing.Api.Otlp.Proto;

namespace Tracing.Bench;

/// <summary>
/// Spans/s through POST /v1/traces (protobuf, one session per writer, closed loop), to set against the native
/// batch ingest of the same run. The spans rotate through the three shapes an agent emits: a chat (becomes one
/// llm.response carrying its request), a tool execution (one tool.result carrying its call) and a plain step
/// (agent.step), each with as much free text as the native workload's average event (ADR 0034; before it, a chat and a
/// tool execution were two events each).
/// </summary>
public sealed class OtlpBench(HttpClient http, Failures failures)
{
    public sealed record Result(int SpansPerRequest, int Sessions, long Spans, long Events, long Requests, TimeSpan Elapsed, Latencies Latency)
    {
        public double SpansPerSecond => Spans / Elapsed.TotalSeconds;
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    }

    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    /// <summary>As much free text a span as the native workload has an event, so the two rows store the same text.</summary>
    private static readonly string Pad = Workload.AverageText;

    /// <summary>
    /// Closed loop of OTLP exports. An <paramref name="unmeasured"/> loop (the JIT warm-up) waits out backpressure (429, per
    /// its Retry-After, for up to a minute) instead of failing on it, as the native warm-up does.
    /// </summary>
    public async Task<Result> ClosedLoopAsync(int spansPerRequest, int sessions, TimeSpan warmup, TimeSpan duration, CancellationToken ct,
        bool unmeasured = false)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var run = Guid.NewGuid().ToString("N")[..8];
        var stats = new (Latencies Lat, long Spans, long Events, long Requests, long LastDone)[sessions];
        for (var i = 0; i < sessions; i++) stats[i].Lat = new Latencies();

        await Task.WhenAll(Enumerable.Range(0, sessions).Select(w => Task.Run(async () =>
        {
            long next = 0;
            var traceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
            while (!ct.IsCancellationRequested)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (t0 >= end) break;
                var body = Request($"otlp-{run}-{w}", traceId, w, next, spansPerRequest).ToByteArray();
                using var resp = await ApiClient.PostAsync(http, "/v1/traces", body, Protobuf, unmeasured, waited: null, ct);
                var answer = await resp.Content.ReadAsByteArrayAsync(ct);
                if (!resp.IsSuccessStatusCode || ExportTraceServiceResponse.Parser.ParseFrom(answer).PartialSuccess is { RejectedSpans: > 0 })
                {
                    failures.Add($"POST /v1/traces -> {(int)resp.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(300, answer.Length)))}");
                    throw new BenchAbort("OTLP export failed");
                }
                var t1 = Stopwatch.GetTimestamp();
                if (t0 >= measureFrom)
                {
                    ref var s = ref stats[w];
                    s.Lat.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    s.Spans += spansPerRequest;
                    s.Events += spansPerRequest; // one stored event a span; none of these spans is a root (no session.ended)
                    s.Requests++;
                    s.LastDone = t1;
                }
                next += spansPerRequest;
            }
        }, ct)));

        var finished = Math.Max(stats.Max(s => s.LastDone), measureFrom + 1);
        var lat = new Latencies();
        foreach (var s in stats) lat.AddRange(s.Lat);
        return new Result(spansPerRequest, sessions, stats.Sum(s => s.Spans), stats.Sum(s => s.Events), stats.Sum(s => s.Requests),
            Stopwatch.GetElapsedTime(measureFrom, finished), lat);
    }

    private static ExportTraceServiceRequest Request(string session, ByteString traceId, int writer, long first, int count)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "bench" } };
        var parent = SpanId(writer, long.MaxValue);
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        for (var i = first; i < first + count; i++)
        {
            var span = new Span
            {
                TraceId = traceId, SpanId = SpanId(writer, i), ParentSpanId = parent, Kind = Span.Types.SpanKind.Internal,
                StartTimeUnixNano = now + (ulong)(i - first) * 1000, EndTimeUnixNano = now + (ulong)(i - first) * 1000 + 500,
            };
            span.Attributes.Add(Kv("session.id", session));
            switch (i % 3)
            {
                case 0:
                    span.Name = "chat gpt-4o-mini";
                    span.Attributes.Add(Kv("gen_ai.operation.name", "chat"));
                    span.Attributes.Add(Kv("gen_ai.provider.name", "openai"));
                    span.Attributes.Add(Kv("gen_ai.request.model", "gpt-4o-mini"));
                    span.Attributes.Add(new KeyValue { Key = "gen_ai.usage.input_tokens", Value = new AnyValue { IntValue = 812 } });
                    span.Attributes.Add(new KeyValue { Key = "gen_ai.usage.output_tokens", Value = new AnyValue { IntValue = 143 } });
                    span.Attributes.Add(Kv("gen_ai.output.messages", $$"""[{"role":"assistant","parts":[{"type":"text","content":"{{Pad}}"}],"finish_reason":"stop"}]"""));
                    break;
                case 1:
                    span.Name = "execute_tool web_search";
                    span.Attributes.Add(Kv("gen_ai.operation.name", "execute_tool"));
                    span.Attributes.Add(Kv("gen_ai.tool.name", "web_search"));
                    span.Attributes.Add(Kv("gen_ai.tool.call.id", $"call_{i}"));
                    span.Attributes.Add(Kv("gen_ai.tool.call.arguments", $$"""{"query":"{{Pad}}","top_k":5}"""));
                    break;
                default:
                    span.Name = "plan";
                    span.Attributes.Add(Kv("app.thought", Pad));
                    break;
            }
            scope.Spans.Add(span);
        }
        var resource = new ResourceSpans { Resource = new Resource { Attributes = { Kv("service.name", "bench-agent") } } };
        resource.ScopeSpans.Add(scope);
        return new ExportTraceServiceRequest { ResourceSpans = { resource } };
    }

    private static KeyValue Kv(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static ByteString SpanId(int writer, long i)
    {
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(id, ((long)(writer + 1) << 48) ^ (i & 0xFFFF_FFFF_FFFF));
        return ByteString.CopyFrom(id);
    }
}
