using Tracing.Api.Access;

namespace Tracing.Api.ConsoleHost;

/// <summary>
/// Mints the console JWT a one-time link signs someone in with: HS256 with the server's own console secret
/// (<c>Tracing:Jwt:Secret</c>, or the development secret of <c>./tracing run</c>), in the membership claims the
/// server reads, so the API validates it like any other console token. Null when the server has no such secret
/// (tokens come from an external provider only): then people sign in through that provider.
/// </summary>
public sealed class ConsoleSessionToken(JwtSettings settings, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public bool CanMint => settings.Secret is not null;

    public (string Token, DateTimeOffset ExpiresAt)? Mint(string workspace, string role, string subject)
    {
        if (settings.Secret is null) return null;
        var now = clock.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            [settings.Claims.WorkspaceClaim] = workspace,
            [settings.Claims.RoleClaim] = role,
        };
        return (DevTokens.Mint(settings.Secret, claims, now, Lifetime, settings.Audience, settings.Issuer), now + Lifetime);
    }
}
