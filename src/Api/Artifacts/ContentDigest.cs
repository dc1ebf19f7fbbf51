using System.Security.Cryptography;
using Tracing.Domain.Artifacts;

namespace Tracing.Api.Artifacts;

/// <summary>SHA-256, size and leading bytes of content seen chunk by chunk: nothing but the head is ever kept.</summary>
public sealed class ContentDigest : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _head = new byte[MagicBytes.HeadLength];
    private int _headLength;

    public long Size { get; private set; }
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    /// <summary>True when <see cref="Head"/> is the whole content.</summary>
    public bool Complete => Size <= _headLength;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        _hash.AppendData(chunk);
        var take = Math.Min(chunk.Length, _head.Length - _headLength);
        chunk[..take].CopyTo(_head.AsSpan(_headLength));
        _headLength += take;
        Size += chunk.Length;
    }

    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    /// <summary>Reads a stream to its end through a digest.</summary>
    public static async Task<ContentDigest> OfAsync(Stream content, CancellationToken ct)
    {
        var digest = new ContentDigest();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await content.ReadAsync(buffer, ct)) > 0) digest.Append(buffer.AsSpan(0, n));
            return digest;
        }
        catch
        {
            digest.Dispose();
            throw;
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
    }
}
