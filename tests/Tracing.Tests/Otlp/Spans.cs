using System.Security.Cryptography;
using Google.Protobuf;
using Tracing.Api.Otlp.Proto;
using Tracing.Tests.Support;

namespace Tracing.Tests.Otlp;

/// <summary>Hand-built OTLP requests (the generated wire types), for cases an SDK will not produce.</summary>
public static class Spans
{
    public static readonly long T0 = 1_764_270_000_000_000_000;

    public static string TraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public static string SpanId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static Span New(string traceId, string spanId, string name, long startMs, long endMs, string? parent = null,
        params (string Key, object Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)), SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId)),
            Name = name, Kind = Span.Types.SpanKind.Internal,
            StartTimeUnixNano = (ulong)(T0 + startMs * 1_000_000), EndTimeUnixNano = (ulong)(T0 + endMs * 1_000_000),
        };
        if (parent is not null) span.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString(parent));
        span.Attributes.AddRange(attributes.Select(a => Kv(a.Key, a.Value)));
        return span;
    }

    public static ExportTraceServiceRequest Request(params Span[] spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "tests" } };
        scope.Spans.AddRange(spans);
        var resource = new ResourceSpans { Resource = new Resource() };
        resource.Resource.Attributes.Add(Kv("service.name", "test-service"));
        resource.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resource);
        return request;
    }

    public static KeyValue Kv(string key, object value) => new() { Key = key, Value = Value(value) };

    private static AnyValue Value(object v) => v switch
    {
        string s => new AnyValue { StringValue = s },
        bool b => new AnyValue { BoolValue = b },
        int i => new AnyValue { IntValue = i },
        long l => new AnyValue { IntValue = l },
        double d => new AnyValue { DoubleValue = d },
        string[] list => new AnyValue { ArrayValue = new ArrayValue { Values = { list.Select(x => new AnyValue { StringValue = x }) } } },
        _ => throw new ArgumentException(v.GetType().Name),
    };

    /// <summary>Stored trace events of a session per idempotency key: how many copies each key has.</summary>
    public static Task<List<(string Key, long Copies)>> CopiesByKeyAsync(TestClient client, string sessionId) =>
        Database.QueryAsync($"select data->>'idempotency_key', count(*) from {AppFixture.Schema}.mt_events " +
                            "where tenant_id = $1 and stream_id = $2 and type = 'trace_event' group by 1 order by 1",
            r => (r.GetString(0), r.GetInt64(1)), client.Workspace, $"{client.Project}/{sessionId}");
}
