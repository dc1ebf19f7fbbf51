using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Tracing.Api.Otlp.Proto;
using Tracing.Tests.Support;

namespace Tracing.Tests.Otlp;

public sealed record OtlpReply(int Status, byte[] Body, string ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public ExportTraceServiceResponse Response => ContentType.StartsWith("application/x-protobuf", StringComparison.Ordinal)
        ? ExportTraceServiceResponse.Parser.ParseFrom(Body)
        : JsonParser.Default.Parse<ExportTraceServiceResponse>(Encoding.UTF8.GetString(Body));

    public JsonElement Problem => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>Raw OTLP/HTTP requests to the shared test host: exact bytes, content types and encodings.</summary>
public static class OtlpHttp
{
    public static async Task<OtlpReply> PostAsync(AppFixture app, string? bearer, byte[] body, string contentType,
        string path = "/v1/traces", bool gzip = false, IDictionary<string, string>? headers = null)
    {
        using var http = app.Host.Server.CreateClient();
        var content = new ByteArrayContent(gzip ? Gzip(body) : body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip) content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.Add(k, v);
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var all = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new OtlpReply((int)response.StatusCode, bytes, response.Content.Headers.ContentType?.ToString() ?? "", all);
    }

    public static Task<OtlpReply> ProtobufAsync(AppFixture app, string? bearer, ExportTraceServiceRequest request, bool gzip = false,
        string path = "/v1/traces", IDictionary<string, string>? headers = null) =>
        PostAsync(app, bearer, request.ToByteArray(), "application/x-protobuf", path, gzip, headers);

    public static Task<OtlpReply> JsonAsync(AppFixture app, string? bearer, string json, bool gzip = false) =>
        PostAsync(app, bearer, Encoding.UTF8.GetBytes(json), "application/json", gzip: gzip);

    public static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(body);
        return output.ToArray();
    }

    /// <summary>
    /// A request in OTLP's JSON mapping: protobuf's JSON with enums as integers, then trace and span ids rewritten
    /// from base64 to hex, as the OTLP specification requires.
    /// </summary>
    public static string ToOtlpJson(ExportTraceServiceRequest request)
    {
        var formatter = new JsonFormatter(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));
        var root = JsonNode.Parse(formatter.Format(request))!;
        foreach (var rs in root["resourceSpans"]?.AsArray() ?? [])
        foreach (var ss in rs!["scopeSpans"]?.AsArray() ?? [])
        foreach (var span in ss!["spans"]?.AsArray() ?? [])
            foreach (var field in new[] { "traceId", "spanId", "parentSpanId" })
                if (span![field] is JsonValue v)
                    span[field] = Convert.ToHexStringLower(Convert.FromBase64String(v.GetValue<string>()));
        return root.ToJsonString();
    }
}
