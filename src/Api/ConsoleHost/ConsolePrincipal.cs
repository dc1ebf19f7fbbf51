using System.Security.Claims;
using Tracing.WebConsole.Client;

namespace Tracing.Api.ConsoleHost;

/// <summary>
/// The sign-in cookie's principal (ADR 0018): display claims and the console JWT, none of the API's own claims, so the
/// cookie alone never passes an API policy. Built the same way for a one-time link and for the OIDC code flow.
/// </summary>
public static class ConsolePrincipal
{
    public static ClaimsPrincipal Create(string subject, string workspace, string role, string jwt) =>
        new(new ClaimsIdentity([
            new Claim(ClaimTypes.Name, subject),
            new Claim(ConsoleClaims.Subject, subject),
            new Claim(ConsoleClaims.Workspace, workspace),
            new Claim(ConsoleClaims.Role, role),
            new Claim(ConsoleClaims.Jwt, jwt),
        ], ConsoleClaims.Scheme));

    /// <summary>Only a path of this site: never an absolute or protocol-relative URL (no open redirect after sign-in).</summary>
    public static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } r && r[0] == '/' && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal)
            ? r : "/";
}
