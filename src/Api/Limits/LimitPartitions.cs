using System.Security.Claims;
using Tracing.Api.Access;

namespace Tracing.Api.Limits;

/// <summary>Whose bucket a request draws from. Pure: the authenticated principal in, a partition key (or none) out.</summary>
public static class LimitPartitions
{
    /// <summary>
    /// The credential: <c>key:&lt;id&gt;</c>, <c>user:&lt;sub&gt;</c>, or the service credential per workspace and project it
    /// acts for (one shared secret must not share one bucket across all tenants).
    /// </summary>
    public static string? Credential(ClaimsPrincipal user)
    {
        var name = user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;
        if (name is null) return null;
        return name == "service"
            ? $"service:{user.FindFirstValue(Caller.WorkspaceClaim)}/{user.FindFirstValue(Caller.ProjectClaim)}"
            : name;
    }

    public static string? Workspace(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(Caller.WorkspaceClaim) : null;
}
