using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tracing.Api.Access;

/// <summary>Mints HS256 console tokens with a shared secret: <c>./tracing token</c> for development, and tests.</summary>
public static class DevTokens
{
    /// <summary>A token with the default membership claims: <c>workspace_id</c> and <c>role</c>.</summary>
    public static string Mint(string secret, string workspace, string role, string subject, DateTimeOffset issuedAt, TimeSpan ttl,
        string audience = JwtSettings.DefaultAudience, string? issuer = null) =>
        Mint(secret, new Dictionary<string, object> { ["sub"] = subject, ["workspace_id"] = workspace, ["role"] = role },
            issuedAt, ttl, audience, issuer);

    public static string Mint(string secret, IDictionary<string, object> claims, DateTimeOffset issuedAt, TimeSpan ttl,
        string audience = JwtSettings.DefaultAudience, string? issuer = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Audience = audience,
            Issuer = issuer,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + ttl).UtcDateTime,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
}
