using Tracing.Domain.Artifacts;

namespace Tracing.Api.Artifacts;

/// <summary>The artifact record as the API shows it. <c>seq</c> is the step it is attached to; <c>event_seq</c> is the
/// seq of the <c>artifact.registered</c> event that records it in the session. There is never a public URL.</summary>
public sealed record ArtifactView(
    string ArtifactId,
    string SessionId,
    string StoragePath,
    string Sha256,
    long Size,
    string ContentType,
    string Kind,
    long? Seq,
    long EventSeq,
    DateTimeOffset CreatedAt)
{
    public static ArtifactView From(Artifact a) =>
        new(a.Id, a.SessionId, a.StoragePath, a.Sha256, a.Size, a.ContentType, a.Kind, a.Seq, a.EventSeq, a.CreatedAt);
}

// Documentation-only shapes for the OpenAPI document: the endpoint reads the body itself.

/// <summary>multipart/form-data upload: one file part plus <c>kind</c> and optional <c>seq</c>.</summary>
public sealed record ArtifactUploadForm(IFormFile File, string Kind, long? Seq);

/// <summary>Register mode (service credential only): an object a trusted process already put in the store.</summary>
public sealed record RegisterArtifactInput(string StoragePath, string ContentType, long Size, string Sha256, string Kind, long? Seq);
