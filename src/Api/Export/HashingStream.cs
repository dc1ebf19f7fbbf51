using System.Security.Cryptography;

namespace Tracing.Api.Export;

/// <summary>A write-only stream that hashes what passes through and forwards it to any number of targets (or none).</summary>
public sealed class HashingStream(IncrementalHash hash, params Stream[] targets) : Stream
{
    public long Written { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        Written += buffer.Length;
        foreach (var t in targets) t.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        hash.AppendData(buffer.Span);
        Written += buffer.Length;
        foreach (var t in targets) await t.WriteAsync(buffer, ct);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush() { foreach (var t in targets) t.Flush(); }
    public override async Task FlushAsync(CancellationToken ct) { foreach (var t in targets) await t.FlushAsync(ct); }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
