using System.Text.Json.Nodes;

namespace Tracing.Domain.Otlp;

/// <summary>
/// One received OTLP span, decoded from protobuf or JSON into plain values: ids as lower-case hex, times in Unix
/// nanoseconds, attribute values as JSON (OTLP's AnyValue maps one-to-one onto JSON values). The mapping rules
/// work on this, never on wire types, so they stay pure and testable without a host.
/// </summary>
public sealed record SpanData(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    long StartUnixNano,
    long EndUnixNano,
    IReadOnlyDictionary<string, JsonNode?> Attributes,
    IReadOnlyDictionary<string, JsonNode?> Resource,
    string? ScopeName,
    SpanStatus Status,
    IReadOnlyList<SpanEventData> Events)
{
    public bool IsRoot => ParentSpanId is null;
    public DateTimeOffset Start => FromUnixNano(StartUnixNano);
    public DateTimeOffset End => FromUnixNano(Math.Max(EndUnixNano, StartUnixNano));

    public static DateTimeOffset FromUnixNano(long nanos) => DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);
}

/// <summary>OTLP status: code 0 unset, 1 ok, 2 error.</summary>
public sealed record SpanStatus(int Code, string? Message)
{
    public const int Unset = 0, Ok = 1, Error = 2;
    public bool IsError => Code == Error;
}

/// <summary>A span event (for example <c>exception</c>, with <c>exception.type</c>, <c>exception.message</c>).</summary>
public sealed record SpanEventData(string Name, long TimeUnixNano, IReadOnlyDictionary<string, JsonNode?> Attributes);
