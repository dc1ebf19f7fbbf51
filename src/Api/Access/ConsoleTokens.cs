using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Tracing.Api.Access;

/// <summary>A validated console token: its payload (for membership claims) and its subject.</summary>
public sealed record ConsoleToken(JsonElement Payload, string Subject);

/// <summary>
/// Validates console JWTs: signature (HS256 with <c>Tracing:Jwt:Secret</c>, or RS/ES/PS keys of a JWKS document),
/// audience, issuer when configured, expiry and not-before with 30 s of clock skew. Failure messages name the reason
/// and never echo the token.
/// </summary>
public sealed partial class ConsoleTokens
{
    private static readonly string[] SymmetricAlgorithms = [SecurityAlgorithms.HmacSha256];
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = 16 * 1024 };
    private readonly TokenValidationParameters? _parameters;

    public ConsoleTokens(JwtSettings settings, IDocumentRetriever documents)
    {
        Settings = settings;
        if (!settings.Enabled) return;

        var keys = new List<SecurityKey>();
        var algorithms = new List<string>();
        if (settings.Secret is not null)
        {
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.Secret)));
            algorithms.AddRange(SymmetricAlgorithms);
        }
        ConfigurationManager<OpenIdConnectConfiguration>? remote = null;
        if (settings.JwksUrl is not null)
            remote = new ConfigurationManager<OpenIdConnectConfiguration>(settings.JwksUrl, new JwksRetriever(), documents);
        else if (settings.Authority is not null)
            remote = new ConfigurationManager<OpenIdConnectConfiguration>(
                settings.Authority.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), documents);
        if (remote is not null)
        {
            remote.AutomaticRefreshInterval = TimeSpan.FromHours(1);
            remote.RefreshInterval = TimeSpan.FromMinutes(1); // an unknown kid (key rotation) refetches at most this often
            // IdentityModel otherwise retries a failed token against earlier ("last known good") key sets for an hour, so a
            // key the provider withdrew (rotated out, or compromised) would still be trusted after the new set was fetched.
            // A failed refetch still keeps the current set, so an unreachable provider does not lock users out.
            remote.UseLastKnownGoodConfiguration = false;
            algorithms.AddRange(AsymmetricAlgorithms);
        }

        // With discovery and no explicit issuer, the issuer of the discovery document is the one to match.
        var validateIssuer = settings.Issuer is not null || (settings.Authority is not null && settings.JwksUrl is null);
        _parameters = new TokenValidationParameters
        {
            ValidAudience = settings.Audience,
            ValidateAudience = true,
            ValidIssuer = settings.Issuer,
            ValidateIssuer = validateIssuer,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = JwtSettings.ClockSkew,
            IssuerSigningKeys = keys,
            ValidAlgorithms = algorithms,
            ConfigurationManager = remote,
        };
    }

    public JwtSettings Settings { get; }
    public bool Enabled => _parameters is not null;

    /// <summary>Three dot-separated parts: a JWT (API keys and tickets never contain dots).</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;

    [GeneratedRegex(@"^[A-Za-z0-9._@|:+\-]{1,128}$")]
    private static partial Regex UsableSubject();

    public async Task<(ConsoleToken? Token, string? Error)> ValidateAsync(string token, CancellationToken ct)
    {
        if (_parameters is null) return (null, "Console tokens (JWTs) are not enabled on this server.");
        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, _parameters);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, Describe(ex));
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return (null, Describe(result.Exception));

        JsonElement payload;
        try
        {
            using var doc = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
            payload = doc.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return (null, "The token's payload is not a JSON object.");
        }
        var sub = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("sub", out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString() : null;
        if (sub is null || !UsableSubject().IsMatch(sub)) return (null, "The token has no usable sub claim.");
        return (new ConsoleToken(payload, sub), null);
    }

    /// <summary>A short reason without token contents (IdentityModel's own messages can quote claims).</summary>
    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience.",
        SecurityTokenInvalidIssuerException => "The token was issued by an untrusted issuer.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The token's signature does not verify against a trusted key.",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
        _ => "The token could not be validated.",
    };

    /// <summary>Reads a bare JWKS document (Tracing:Jwt:JwksUrl) as a configuration holding its signing keys.</summary>
    private sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var set = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
            var config = new OpenIdConnectConfiguration { JsonWebKeySet = set };
            foreach (var key in set.GetSigningKeys()) config.SigningKeys.Add(key);
            return config;
        }
    }
}
