using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracing.Api.Infrastructure;
using Tracing.Api.Otlp.Proto;

namespace Tracing.Api.Otlp;

/// <summary>
/// Reads an OTLP/HTTP export body: <c>application/x-protobuf</c> or <c>application/json</c>, optionally
/// <c>Content-Encoding: gzip</c>, within a cap on the bytes sent and on the bytes after decompression.
/// Every failure is a precise problem: 415 media type or encoding, 413 too large, 400 undecodable (which OTLP
/// clients never retry).
/// </summary>
public static class OtlpBody
{
    public const string Protobuf = "application/x-protobuf";
    public const string Json = "application/json";

    public sealed record Decoded(ExportTraceServiceRequest Request, bool IsJson);

    public static async Task<(Decoded? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, OtlpOptions limits, CancellationToken ct)
    {
        var media = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (media is not (Protobuf or Json))
            return (null, Problems.UnsupportedMediaType($"Content-Type must be {Protobuf} or {Json} (OTLP/HTTP)."));
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip"))
            return (null, Problems.UnsupportedMediaType("Content-Encoding must be gzip or identity."));
        if (request.ContentLength > limits.MaxBodyBytes) return (null, TooLarge(limits.MaxBodyBytes, "sent"));

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limits.MaxBodyBytes + 1;

        // A body of a declared length is read into a pooled array (a 100-span export is tens of KB, often past the
        // large-object threshold, and is garbage as soon as it is parsed: Google.Protobuf copies what it keeps).
        byte[]? rented = null;
        try
        {
            ArraySegment<byte> sent;
            if (request.ContentLength is { } length)
            {
                rented = ArrayPool<byte>.Shared.Rent((int)length);
                sent = new ArraySegment<byte>(rented, 0, (int)length);
                await request.Body.ReadExactlyAsync(sent, ct);
            }
            else if (await ReadCappedAsync(request.Body, limits.MaxBodyBytes, ct) is { } whole) sent = whole;
            else return (null, TooLarge(limits.MaxBodyBytes, "sent"));

            if (encoding != "gzip") return Decode(sent, media == Json);
            await using var gzip = new GZipStream(new MemoryStream(sent.Array!, sent.Offset, sent.Count, writable: false), CompressionMode.Decompress);
            var inflated = await ReadCappedAsync(gzip, limits.MaxDecompressedBytes, ct);
            return inflated is null ? (null, TooLarge(limits.MaxDecompressedBytes, "after decompression")) : Decode(inflated, media == Json);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limits.MaxBodyBytes, "sent"));
        }
        catch (EndOfStreamException)
        {
            return (null, Problems.BadRequest("The body ended before its Content-Length."));
        }
        catch (InvalidDataException)
        {
            return (null, Problems.BadRequest("The body is not valid gzip."));
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static (Decoded? Body, ProblemHttpResult? Problem) Decode(ReadOnlySpan<byte> bytes, bool json)
    {
        if (json)
        {
            var (parsed, error) = OtlpJson.Parse(bytes);
            return parsed is null ? (null, Problems.BadRequest(error!)) : (new Decoded(parsed, true), null);
        }
        try
        {
            return (new Decoded(ExportTraceServiceRequest.Parser.ParseFrom(bytes), false), null);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return (null, Problems.BadRequest("Malformed OTLP protobuf: " + ex.Message));
        }
    }

    /// <summary>The whole stream, or null as soon as it passes <paramref name="cap"/> bytes.</summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream source, long cap, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var n = await source.ReadAsync(memory, ct);
            if (n == 0) return buffer.WrittenSpan.ToArray();
            buffer.Advance(n);
            if (buffer.WrittenCount > cap) return null;
        }
    }

    private static ProblemHttpResult TooLarge(long cap, string what) =>
        Problems.TooLarge($"The export exceeds {cap} bytes {what} (Tracing:Otlp limits); split it into smaller batches.");
}
