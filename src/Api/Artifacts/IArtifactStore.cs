namespace Tracing.Api.Artifacts;

/// <summary>An object in the artifact store, addressed by its content (<c>sha256/ab/cd/&lt;hash&gt;</c>).</summary>
public sealed record StoredObject(string StoragePath, string Sha256, long Size);

/// <summary>
/// Private, content-addressed object storage for artifact bytes. Nothing in it is ever reachable by a public URL:
/// reads go through signed, expiring links served by the API. Paths come only from <c>StoragePaths</c>.
/// The local-disk store is the default; an object store (S3 and the like) can implement the same contract.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Puts a finished temporary file whose SHA-256 the caller computed while writing it. The file is consumed
    /// (moved into place or deleted when the same content is already stored). Atomic: readers never see a partial object.</summary>
    Task<StoredObject> PutFileAsync(string tempFile, string sha256, CancellationToken ct);

    /// <summary>Streams content in, hashing it on the way (for trusted server-side producers). Not size-limited.</summary>
    Task<StoredObject> PutAsync(Stream content, CancellationToken ct);

    /// <summary>The object's size in bytes, or null when there is no object at the path.</summary>
    Task<long?> SizeAsync(string storagePath, CancellationToken ct);

    /// <summary>Opens the object for reading, or null when it is missing. The stream is seekable, so byte ranges are
    /// read by seeking (HTTP Range requests are served this way); remote stores return a stream doing ranged reads.</summary>
    Task<Stream?> OpenReadAsync(string storagePath, CancellationToken ct);

    /// <summary>Removes the object (for retention, later). Objects are shared by identical uploads: callers must
    /// know no artifact record refers to it any more.</summary>
    Task<bool> DeleteAsync(string storagePath, CancellationToken ct);
}
