using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Tracing.Api.Otlp.Proto;

namespace Tracing.Api.Otlp;

/// <summary>
/// OTLP's JSON mapping is protobuf's canonical JSON with one exception: trace and span ids are hex, not base64
/// (Google.Protobuf's parser expects base64 for bytes). The ids are rewritten in place, then the protobuf parser
/// reads the rest: lowerCamelCase or original field names, enums as integers, 64-bit integers as strings or numbers,
/// unknown fields ignored.
/// </summary>
public static class OtlpJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);
    private static readonly string[] IdFields = ["traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id"];

    /// <summary>The request, or why it cannot be read (a 400).</summary>
    public static (ExportTraceServiceRequest? Request, string? Error) Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            if (root is not JsonObject) return (null, "the body must be a JSON object (ExportTraceServiceRequest)");
            if ((root["resourceSpans"] ?? root["resource_spans"]) is JsonArray resources)
                foreach (var rs in resources)
                foreach (var ss in Items(rs, "scopeSpans", "scope_spans"))
                foreach (var span in Items(ss, "spans"))
                {
                    if (HexIds(span) is { } bad) return (null, bad);
                    foreach (var link in Items(span, "links"))
                        if (HexIds(link) is { } badLink) return (null, badLink);
                }
            return (Parser.Parse<ExportTraceServiceRequest>(root.ToJsonString()), null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidProtocolBufferException or InvalidOperationException or FormatException
                                       or ArgumentException) // a key repeated in one object
        {
            return (null, "malformed OTLP JSON: " + ex.Message);
        }
    }

    public static string Format(ExportTraceServiceResponse response) => Formatter.Format(response);

    private static IEnumerable<JsonNode?> Items(JsonNode? parent, params string[] names)
    {
        if (parent is not JsonObject o) yield break;
        foreach (var name in names)
            if (o[name] is JsonArray list)
            {
                foreach (var item in list) yield return item;
                yield break;
            }
    }

    /// <summary>Rewrites hex ids as base64; an id that is not hex is an error.</summary>
    private static string? HexIds(JsonNode? node)
    {
        if (node is not JsonObject o) return null;
        foreach (var field in IdFields)
        {
            if (o[field] is not JsonValue v || !v.TryGetValue<string>(out var hex)) continue;
            if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit)) return $"{field} must be hex (OTLP JSON), got '{(hex.Length > 40 ? hex[..40] + "..." : hex)}'";
            o[field] = Convert.ToBase64String(Convert.FromHexString(hex));
        }
        return null;
    }
}
