using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tracing.Api.Infrastructure;

/// <summary>
/// Reads a JSON request body with explicit limits, so every failure is a precise problem:
/// wrong media type 415, too large 413, malformed, too deep or with a duplicated key 400.
/// </summary>
public static class JsonBody
{
    public const int MaxDepth = 64;

    public static async Task<(JsonDocument? Doc, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, long maxBytes, CancellationToken ct, params string[] mediaTypes)
    {
        var accepted = mediaTypes.Length == 0 ? ["application/json"] : mediaTypes;
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !accepted.Contains(contentType, StringComparer.OrdinalIgnoreCase))
            return (null, Problems.UnsupportedMediaType($"Content-Type must be {string.Join(" or ", accepted)}."));

        if (request.ContentLength > maxBytes)
            return (null, Problems.TooLarge($"Request body exceeds {maxBytes} bytes."));

        // Kestrel's default body limit is small (LimitsSetup); this route's own limit applies instead.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = maxBytes + 1;
        var limited = new LimitedStream(request.Body, maxBytes);
        try
        {
            var doc = await JsonDocument.ParseAsync(limited, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false }, ct);
            return (doc, null);
        }
        catch (LimitExceededException)
        {
            return (null, Problems.TooLarge($"Request body exceeds {maxBytes} bytes."));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge($"Request body exceeds {maxBytes} bytes."));
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"Malformed JSON: {ex.Message}"));
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.BadRequest("Malformed JSON: the body is not valid UTF-8."));
        }
    }

    private sealed class LimitExceededException : Exception;

    /// <summary>
    /// Counts bytes against the limit and checks they are UTF-8 as they stream by: System.Text.Json only notices invalid
    /// UTF-8 inside a string when the string is read (an InvalidOperationException, far from here).
    /// </summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        private readonly Decoder _utf8 = Strict.GetDecoder();
        private readonly char[] _chars = new char[4096];
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Check(buffer.AsSpan(offset, n), atEnd: n == 0 && count > 0);
            return n;
        }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await inner.ReadAsync(buffer, ct);
            Check(buffer.Span[..n], atEnd: n == 0 && buffer.Length > 0);
            return n;
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private void Check(ReadOnlySpan<byte> bytes, bool atEnd)
        {
            _read += bytes.Length;
            if (_read > limit) throw new LimitExceededException();
            do
            {
                // Throws DecoderFallbackException; at the end of the body an unfinished sequence is invalid too.
                _utf8.Convert(bytes, _chars, atEnd, out var used, out _, out _);
                bytes = bytes[used..];
            } while (!bytes.IsEmpty);
        }
    }
}
