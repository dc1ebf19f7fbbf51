using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Tracing.Api.Otlp.Proto;
using Tracing.Domain.Otlp;

namespace Tracing.Api.Otlp;

/// <summary>Wire types to <see cref="SpanData"/>: ids to hex, AnyValue to JSON. A span with malformed ids is refused, by position.</summary>
public static class SpanConversion
{
    public static (List<SpanData?> Spans, List<string?> Errors) Flatten(ExportTraceServiceRequest request)
    {
        var spans = new List<SpanData?>();
        var errors = new List<string?>();
        foreach (var rs in request.ResourceSpans)
        {
            var resource = Attributes(rs.Resource?.Attributes);
            foreach (var ss in rs.ScopeSpans)
            foreach (var s in ss.Spans)
            {
                var error = IdError(s.TraceId, 16, "trace_id") ?? IdError(s.SpanId, 8, "span_id")
                    ?? (s.ParentSpanId.Length is 0 or 8 ? null : "parent_span_id must be empty or 8 bytes");
                errors.Add(error);
                spans.Add(error is not null ? null : new SpanData(
                    Convert.ToHexStringLower(s.TraceId.Span), Convert.ToHexStringLower(s.SpanId.Span),
                    s.ParentSpanId.IsEmpty || IsZero(s.ParentSpanId) ? null : Convert.ToHexStringLower(s.ParentSpanId.Span),
                    s.Name, (int)s.Kind, (long)Math.Min(s.StartTimeUnixNano, long.MaxValue), (long)Math.Min(s.EndTimeUnixNano, long.MaxValue),
                    Attributes(s.Attributes), resource, NullIfEmpty(ss.Scope?.Name),
                    new SpanStatus((int)(s.Status?.Code ?? Status.Types.StatusCode.Unset), NullIfEmpty(s.Status?.Message)),
                    s.Events.Select(e => new SpanEventData(e.Name, (long)Math.Min(e.TimeUnixNano, long.MaxValue), Attributes(e.Attributes))).ToList()));
            }
        }
        return (spans, errors);
    }

    public static int CountSpans(ExportTraceServiceRequest request) =>
        request.ResourceSpans.Sum(rs => rs.ScopeSpans.Sum(ss => ss.Spans.Count));

    private static string? IdError(ByteString id, int length, string name) =>
        id.Length != length ? $"{name} must be {length} bytes" : IsZero(id) ? $"{name} must not be all zeros" : null;

    private static bool IsZero(ByteString id) => !id.Span.ContainsAnyExcept((byte)0);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static Dictionary<string, JsonNode?> Attributes(RepeatedField<KeyValue>? list)
    {
        var map = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (list is null) return map;
        foreach (var kv in list) map[kv.Key] = Value(kv.Value); // a repeated key: the last wins, as in the SDKs
        return map;
    }

    private static JsonObject KvList(KeyValueList list)
    {
        var o = new JsonObject();
        foreach (var kv in list.Values) o[kv.Key] = Value(kv.Value);
        return o;
    }

    private static JsonNode? Value(AnyValue? v) => v?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => JsonValue.Create(v.StringValue),
        AnyValue.ValueOneofCase.BoolValue => JsonValue.Create(v.BoolValue),
        AnyValue.ValueOneofCase.IntValue => JsonValue.Create(v.IntValue),
        AnyValue.ValueOneofCase.DoubleValue => double.IsFinite(v.DoubleValue) ? JsonValue.Create(v.DoubleValue) : JsonValue.Create(v.DoubleValue.ToString()),
        AnyValue.ValueOneofCase.ArrayValue => new JsonArray(v.ArrayValue.Values.Select(Value).ToArray()),
        AnyValue.ValueOneofCase.KvlistValue => KvList(v.KvlistValue),
        AnyValue.ValueOneofCase.BytesValue => JsonValue.Create(v.BytesValue.ToBase64()),
        _ => null,
    };
}
