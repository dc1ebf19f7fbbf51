namespace Tracing.Domain.Artifacts;

/// <summary>
/// Metadata of one registered artifact (a Marten document in the workspace's tenant, keyed by <see cref="Id"/>).
/// The bytes live in the private artifact store under <see cref="StoragePath"/>; several artifacts may share one object.
/// </summary>
public sealed class Artifact
{
    public string Id { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string StoragePath { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Size { get; set; }
    public string ContentType { get; set; } = "";
    public string Kind { get; set; } = "";

    /// <summary>The step (trace event seq) the client attached the artifact to, if any.</summary>
    public long? Seq { get; set; }

    /// <summary>The seq of the <c>artifact.registered</c> trace event that records this artifact in the session.</summary>
    public long EventSeq { get; set; }

    public string Actor { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
