using System.Globalization;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Artifacts;

namespace Tracing.Api.Artifacts;

/// <summary>
/// GET /artifacts/{artifact_id}: scoped like every read (another workspace or project is 404), answers 302 to a
/// signed link on this server that expires after <c>Tracing:Artifacts:UrlTtlSeconds</c>.
/// </summary>
public static class GetArtifactEndpoint
{
    public static async Task<IResult> Handle(string artifact_id, HttpContext http, Caller caller, IDocumentStore store,
        SigningKey key, ArtifactOptions options, TimeProvider clock, CancellationToken ct)
    {
        if (!ArtifactIds.IsValid(artifact_id)) return NotFound(artifact_id);
        await using var session = store.QuerySession(caller.WorkspaceId);
        var artifact = await session.LoadAsync<Artifact>(artifact_id, ct);
        if (artifact is null || !caller.CanSeeProject(artifact.ProjectId)) return NotFound(artifact_id);

        var expiresAt = (clock.GetUtcNow() + options.UrlTtl).ToUnixTimeSeconds();
        var sig = UrlSignature.Sign(key.Bytes, artifact.Id, expiresAt, caller.WorkspaceId);
        var url = string.Create(CultureInfo.InvariantCulture,
            $"{http.Request.PathBase}/artifacts/{artifact.Id}/content?exp={expiresAt}&ws={Uri.EscapeDataString(caller.WorkspaceId)}&sig={sig}");
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Redirect(url);
    }

    public static IResult NotFound(string id) => Problems.NotFound($"Artifact '{Shorten(id)}' is not visible to this credential.");

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
