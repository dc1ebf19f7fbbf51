using System.Text.RegularExpressions;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Projects;

/// <summary>
/// DELETE /api/keys/{id}: an admin revokes a key of its workspace (204, also when already revoked). This node forgets
/// the key at once; other nodes within <see cref="ApiKeyDirectory.CacheFor"/>.
/// </summary>
public static partial class RevokeKeyEndpoint
{
    [GeneratedRegex("^[0-9a-f]{12}$")]
    private static partial Regex KeyId();

    public static async Task<IResult> Handle(string id, Caller caller, KeyIssuer issuer, ApiKeyDirectory directory, CancellationToken ct)
    {
        if (!KeyId().IsMatch(id) || !await issuer.RevokeAsync(id, caller.WorkspaceId, caller.Actor, ct))
            return Problems.NotFound($"Key '{(id.Length <= 64 ? id : id[..64] + "...")}' is not visible to this credential.");
        directory.Forget(id);
        return TypedResults.NoContent();
    }
}
