using Tracing.Domain.Artifacts;

namespace Tracing.Api.Artifacts;

/// <summary>
/// The default artifact store: files under <c>{DataDir}/artifacts/sha256/ab/cd/&lt;hash&gt;</c>. Identical content is
/// stored once. Objects appear atomically: content is written to <c>tmp/</c> on the same file system, then renamed
/// into place. Paths are built only from validated content addresses.
/// </summary>
public sealed class LocalDiskArtifactStore : IArtifactStore
{
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromDays(1);
    private readonly ArtifactOptions _options;

    public LocalDiskArtifactStore(ArtifactOptions options, TimeProvider clock)
    {
        _options = options;
        Directory.CreateDirectory(options.TempDir);
        SweepStaleTempFiles(clock.GetUtcNow());
    }

    public Task<StoredObject> PutFileAsync(string tempFile, string sha256, CancellationToken ct)
    {
        var storagePath = StoragePaths.For(sha256);
        var final = FullPath(storagePath);
        var size = new FileInfo(tempFile).Length;
        var existing = new FileInfo(final);
        if (existing.Exists && existing.Length == size)
        {
            File.Delete(tempFile);
            return Task.FromResult(new StoredObject(storagePath, sha256, size));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var staged = Stage(tempFile);
        try
        {
            // A same-size object is identical (same hash); a different size means a damaged object, replaced atomically.
            File.Move(staged, final, overwrite: existing.Exists);
        }
        catch (IOException) when (File.Exists(final))
        {
            File.Delete(staged); // a racing put of the same content won
        }
        return Task.FromResult(new StoredObject(storagePath, sha256, size));
    }

    public async Task<StoredObject> PutAsync(Stream content, CancellationToken ct)
    {
        var (file, failure) = await SpooledFile.WriteAsync(content, _options.TempDir, long.MaxValue, ct);
        if (file is null) throw new IOException(failure!.Detail);
        await using (file) return await PutFileAsync(file.Path, file.Sha256, ct);
    }

    public Task<long?> SizeAsync(string storagePath, CancellationToken ct)
    {
        var info = new FileInfo(FullPath(storagePath));
        return Task.FromResult<long?>(info.Exists ? info.Length : null);
    }

    public Task<Stream?> OpenReadAsync(string storagePath, CancellationToken ct)
    {
        try
        {
            Stream stream = new FileStream(FullPath(storagePath), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                64 * 1024, FileOptions.Asynchronous);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<bool> DeleteAsync(string storagePath, CancellationToken ct)
    {
        var path = FullPath(storagePath);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    private string FullPath(string storagePath)
    {
        if (!StoragePaths.IsValid(storagePath)) throw new ArgumentException("not a content address", nameof(storagePath));
        return Path.Combine(_options.StoreRoot, storagePath);
    }

    /// <summary>Brings a temp file onto the store's file system (a copy only if it lives elsewhere), so the final move is a rename.</summary>
    private string Stage(string tempFile)
    {
        var dir = Path.GetFullPath(Path.GetDirectoryName(tempFile)!);
        if (dir == Path.GetFullPath(_options.TempDir)) return tempFile;
        var staged = Path.Combine(_options.TempDir, Guid.NewGuid().ToString("N") + ".part");
        File.Move(tempFile, staged);
        return staged;
    }

    private void SweepStaleTempFiles(DateTimeOffset now)
    {
        foreach (var file in new DirectoryInfo(_options.TempDir).EnumerateFiles("*.part"))
        {
            try { if (now - file.LastWriteTimeUtc > StaleTempAge) file.Delete(); }
            catch (IOException) { }
        }
    }
}
