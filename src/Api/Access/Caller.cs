using System.Security.Claims;

namespace Tracing.Api.Access;

/// <summary>Who is calling, resolved on the server from the credential: the hard walls every query is filtered by.</summary>
public sealed record Caller(string WorkspaceId, string? ProjectId, string Actor, IReadOnlySet<string> Scopes)
{
    public const string WorkspaceClaim = "tracing:workspace";
    public const string ProjectClaim = "tracing:project";
    public const string ScopeClaim = "scope";
    public const string RoleClaim = "tracing:role";
    /// <summary>The API key a request (or the stream ticket it redeemed) comes from: open streams recheck it.</summary>
    public const string KeyClaim = "tracing:key";
    /// <summary>When the credential stops being valid (a console token's exp), as Unix seconds: streams end there.</summary>
    public const string ExpiresClaim = "tracing:expires";

    public string? KeyId { get; init; }
    public DateTimeOffset? CredentialExpiresAt { get; init; }

    /// <summary>Minimal-API binding: endpoints take a <see cref="Caller"/> parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext ctx) => ValueTask.FromResult(From(ctx.User));

    public static Caller? From(ClaimsPrincipal user)
    {
        var ws = user.FindFirstValue(WorkspaceClaim);
        if (ws is null) return null;
        return new Caller(ws, user.FindFirstValue(ProjectClaim), user.Identity?.Name ?? "unknown",
            user.FindAll(ScopeClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal))
        {
            KeyId = user.FindFirstValue(KeyClaim),
            CredentialExpiresAt = long.TryParse(user.FindFirstValue(ExpiresClaim), out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : null,
        };
    }

    /// <summary>The trusted server-side credential (ServiceCredential), acting for <see cref="WorkspaceId"/>/<see cref="ProjectId"/>.</summary>
    public bool IsService => Scopes.Contains(AccessSetup.Service);

    /// <summary>Whether the caller may see <paramref name="projectId"/>: its own project, or any project of its workspace when it spans one.</summary>
    public bool CanSeeProject(string projectId) => ProjectId is null || ProjectId == projectId;
}
