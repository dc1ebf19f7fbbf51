using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Artifacts;

/// <summary>Why a body could not be spooled: it went over the limit, or it could not be read (malformed or cut off).</summary>
public sealed record SpoolFailure(bool TooLarge, string Detail)
{
    public ProblemHttpResult Problem => TooLarge ? Problems.TooLarge(Detail) : Problems.BadRequest(Detail);
}

/// <summary>
/// A request body streamed to a temporary file (random name, never the client's) while its SHA-256 is computed
/// incrementally: memory use is one 80 KiB buffer and the 4 KiB head whatever the size. Disposing deletes the file
/// unless the store has taken it.
/// </summary>
public sealed class SpooledFile : IAsyncDisposable
{
    private const int BufferSize = 81920;

    private SpooledFile(string path, long size, string sha256, byte[] head, bool complete) =>
        (Path, Size, Sha256, Head, Complete) = (path, size, sha256, head, complete);

    public string Path { get; }
    public long Size { get; }
    public string Sha256 { get; }
    public byte[] Head { get; }

    /// <summary>True when <see cref="Head"/> is the whole content.</summary>
    public bool Complete { get; }

    public static async Task<(SpooledFile? File, SpoolFailure? Failure)> WriteAsync(
        Stream body, string tempDir, long maxBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(tempDir);
        var path = System.IO.Path.Combine(tempDir, Guid.NewGuid().ToString("N") + ".part");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var keep = false;
        try
        {
            using var digest = new ContentDigest();
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                while (true)
                {
                    int n;
                    try { n = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct); }
                    catch (Exception ex) when (BodyErrors.TryDescribe(ex, maxBytes, out var failure)) { return (null, failure); }
                    if (n == 0) break;
                    digest.Append(buffer.AsSpan(0, n));
                    if (digest.Size > maxBytes) return (null, BodyErrors.TooLarge(maxBytes));
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                }
                file.Flush(flushToDisk: true);
            }
            keep = true;
            return (new SpooledFile(path, digest.Size, digest.Sha256(), digest.Head.ToArray(), digest.Complete), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!keep) TryDelete(path);
        }
    }

    public ValueTask DisposeAsync()
    {
        TryDelete(Path);
        return ValueTask.CompletedTask;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* best effort; stale temp files are swept at start-up */ }
        catch (UnauthorizedAccessException) { }
    }
}
