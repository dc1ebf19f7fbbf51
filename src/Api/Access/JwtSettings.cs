using Tracing.Domain.Access;

namespace Tracing.Api.Access;

/// <summary>
/// Console JWT configuration (<c>Tracing:Jwt:*</c>): <c>Secret</c> (HS256 shared secret, Supabase legacy style),
/// <c>JwksUrl</c> or <c>Authority</c> (RS256/ES256 keys from a JWKS document, directly or through OpenID discovery),
/// <c>Audience</c> (default "authenticated"), <c>Issuer</c>, and where membership is read from
/// (<c>WorkspaceClaim</c>, <c>RoleClaim</c>, <c>WorkspacesClaim</c>). <c>DevSecretFile</c> (set by <c>./tracing run</c>)
/// names a development-only secret used when no <c>Secret</c> is configured.
/// </summary>
public sealed record JwtSettings(
    string? Secret, string? JwksUrl, string? Authority, string Audience, string? Issuer, MembershipClaims Claims,
    bool RequireHttpsMetadata, bool FromDevSecret)
{
    public const string DefaultAudience = "authenticated";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>HMAC-SHA256 needs a key of at least 256 bits.</summary>
    public const int MinSecretBytes = 32;

    public bool Enabled => Secret is not null || JwksUrl is not null || Authority is not null;

    public static JwtSettings From(IConfiguration config, string contentRoot)
    {
        var section = config.GetSection("Tracing:Jwt");
        var secret = NullIfEmpty(section["Secret"]);
        var fromDev = false;
        if (secret is null && NullIfEmpty(section["DevSecretFile"]) is { } devFile)
        {
            secret = DevJwtSecret.LoadOrCreate(Path.GetFullPath(devFile, contentRoot));
            fromDev = true;
        }
        if (secret is not null && System.Text.Encoding.UTF8.GetByteCount(secret) < MinSecretBytes)
            throw new InvalidOperationException($"Tracing:Jwt:Secret must be at least {MinSecretBytes} bytes (HS256 needs a 256-bit key).");
        var defaults = new MembershipClaims();
        var (jwks, authority, issuer) = (NullIfEmpty(section["JwksUrl"]), NullIfEmpty(section["Authority"]), NullIfEmpty(section["Issuer"]));
        // Keys from a JWKS document or discovery may sign tokens of other issuers too (a shared identity provider, other
        // tenants of it): without an issuer to match, any of them would be accepted.
        if ((jwks is not null || authority is not null) && issuer is null)
            throw new InvalidOperationException("Tracing:Jwt:Issuer is required when Tracing:Jwt:JwksUrl or Tracing:Jwt:Authority is set.");
        return new JwtSettings(
            secret, jwks, authority,
            NullIfEmpty(section["Audience"]) ?? DefaultAudience, issuer,
            new MembershipClaims(
                NullIfEmpty(section["WorkspaceClaim"]) ?? defaults.WorkspaceClaim,
                NullIfEmpty(section["RoleClaim"]) ?? defaults.RoleClaim,
                NullIfEmpty(section["WorkspacesClaim"]) ?? defaults.WorkspacesClaim),
            section.GetValue("RequireHttpsMetadata", true), fromDev);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
