using Marten;
using Microsoft.Net.Http.Headers;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Artifacts;

namespace Tracing.Api.Artifacts;

/// <summary>
/// GET /artifacts/{artifact_id}/content?exp=&amp;ws=&amp;sig=: the signed link itself (no credential needed). Serves the
/// bytes with Range support, never sniffable, never as runnable same-origin content; expired or tampered links are 403.
/// </summary>
public static class ArtifactContentEndpoint
{
    public static async Task<IResult> Handle(string artifact_id, HttpContext http, IDocumentStore store, IArtifactStore objects,
        SigningKey key, TimeProvider clock, CancellationToken ct, string? exp = null, string? ws = null, string? sig = null)
    {
        switch (UrlSignature.Check(key.Bytes, artifact_id, exp, ws, sig, clock.GetUtcNow()))
        {
            case SignatureCheck.Invalid:
                return Problems.Forbidden("This download link is invalid.");
            case SignatureCheck.Expired:
                return Problems.Problem(403, "link-expired", "Link expired",
                    $"This download link has expired; GET /artifacts/{artifact_id} for a new one.");
        }

        await using var session = store.QuerySession(ws!);
        var artifact = await session.LoadAsync<Artifact>(artifact_id, ct);
        if (artifact is null) return GetArtifactEndpoint.NotFound(artifact_id);
        var content = await objects.OpenReadAsync(artifact.StoragePath, ct);
        if (content is null) return Problems.NotFound($"The content of artifact '{artifact.Id}' is no longer stored.");

        var presentation = ArtifactTypes.ServeAs(artifact.ContentType);
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.ContentDisposition = new ContentDispositionHeaderValue(presentation.Inline ? "inline" : "attachment")
        {
            FileName = artifact.Id + presentation.Extension,
        }.ToString();
        return TypedResults.File(content, presentation.ContentType,
            entityTag: new EntityTagHeaderValue($"\"{artifact.Sha256}\""), enableRangeProcessing: true);
    }
}
