using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Alba;
using Tracing.Tests.Support;

namespace Tracing.Tests.Artifacts;

public sealed record RawReply(int Status, byte[] Body, string ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : "";
}

/// <summary>Binary HTTP through the shared Alba host: uploads (multipart and raw), redirects and downloads.</summary>
public sealed class ArtifactHttp(IAlbaHost host, TestClient client)
{
    public TestClient Client => client;

    public static byte[] Png(int size = 2048, int seed = 1) => WithPrefix([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], size, seed);
    public static byte[] Jpeg(int size = 2048, int seed = 1) => WithPrefix([0xFF, 0xD8, 0xFF, 0xE0], size, seed);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public Task<RawReply> UploadMultipart(string session, byte[] file, string fileName = "shot.png", string? fileType = "image/png",
        string? kind = "screenshot", string? seq = null, string? bearer = null, IDictionary<string, string>? headers = null)
    {
        using var form = new MultipartFormDataContent("----tracing-test-boundary");
        var part = new ByteArrayContent(file);
        if (fileType is not null) part.Headers.ContentType = MediaTypeHeaderValue.Parse(fileType);
        form.Add(part, "file", fileName);
        if (kind is not null) form.Add(new StringContent(kind), "kind");
        if (seq is not null) form.Add(new StringContent(seq), "seq");
        var body = new MemoryStream();
        form.CopyTo(body, null, default);
        body.Position = 0;
        return Send("POST", $"/api/traces/{session}/artifacts", body, form.Headers.ContentType!.ToString(), bearer, headers, body.Length);
    }

    public Task<RawReply> UploadRaw(string session, byte[] file, string? contentType, string query = "kind=screenshot") =>
        Send("POST", $"/api/traces/{session}/artifacts?{query}", new MemoryStream(file), contentType, contentLength: file.Length);

    /// <summary>GET /artifacts/{id} with the client's key, then the signed link without any credential.</summary>
    public async Task<(RawReply Redirect, RawReply Download)> Download(string artifactId, IDictionary<string, string>? headers = null)
    {
        var redirect = await Send("GET", $"/artifacts/{artifactId}");
        if (redirect.Status != 302) throw new InvalidOperationException($"expected 302, got {redirect.Status}");
        return (redirect, await Send("GET", redirect.Header("Location"), bearer: "", headers: headers));
    }

    public async Task<RawReply> Send(string method, string url, Stream? body = null, string? contentType = null,
        string? bearer = null, IDictionary<string, string>? headers = null, long? contentLength = null)
    {
        var result = await host.Scenario(s =>
        {
            s.ConfigureHttpContext(ctx =>
            {
                ctx.Request.Method = method;
                if (body is null) return;
                ctx.Request.Body = body;
                ctx.Request.ContentLength = contentLength;
                if (contentType is not null) ctx.Request.ContentType = contentType;
            });
            if (method == "GET") s.Get.Url(url); else s.Post.Url(url);
            if (bearer != "") s.WithRequestHeader("Authorization", "Bearer " + (bearer ?? client.Token));
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) s.WithRequestHeader(k, v);
            s.IgnoreStatusCode();
        });
        var response = result.Context.Response;
        var bytes = new MemoryStream();
        if (response.Body.CanSeek) response.Body.Position = 0;
        await response.Body.CopyToAsync(bytes);
        var hdrs = response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new RawReply(response.StatusCode, bytes.ToArray(), response.ContentType ?? "", hdrs);
    }

    private static byte[] WithPrefix(byte[] prefix, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        prefix.CopyTo(bytes, 0);
        return bytes;
    }
}

/// <summary>
/// A request body of any length made up on the fly: optional prefix bytes, then <paramref name="length"/> bytes (a PNG
/// signature and a repeating pattern), then optional suffix bytes. Allocates nothing while it is read.
/// </summary>
public sealed class GeneratedBody(long length, byte[]? prefix = null, byte[]? suffix = null, long pauseAt = -1) : Stream
{
    /// <summary>With a pause position: completes when the reader has consumed exactly that many bytes and waits for more.</summary>
    public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the reader go on after the pause.</summary>
    public void Resume() => _resume.TrySetResult();

    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly byte[] _prefix = prefix ?? [];
    private readonly byte[] _suffix = suffix ?? [];
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _prefix.Length + length + _suffix.Length;

    public override long Position
    {
        get => _position;
        set { if (value != _position) throw new NotSupportedException(); } // Alba rewinds request bodies before sending
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, Length - _position);
        if (pauseAt >= 0 && _position < pauseAt) n = (int)Math.Min(n, pauseAt - _position); // never read across the pause
        for (var i = 0; i < n; i++) buffer[i] = At(_position + i);
        _position += n;
        return n;
    }

    private byte At(long p)
    {
        if (p < _prefix.Length) return _prefix[p];
        p -= _prefix.Length;
        if (p >= length) return _suffix[p - length];
        return p < Signature.Length ? Signature[p] : (byte)(p * 31 % 251);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (pauseAt >= 0 && _position == pauseAt && !_resume.Task.IsCompleted)
        {
            Paused.TrySetResult();
            await _resume.Task.WaitAsync(ct);
        }
        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
