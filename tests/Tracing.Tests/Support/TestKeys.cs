using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;
using Tracing.Api.Access;

namespace Tracing.Tests.Support;

/// <summary>Serves JWKS and discovery documents from memory instead of over HTTPS.</summary>
public sealed class MemoryDocuments : IDocumentRetriever
{
    public ConcurrentDictionary<string, string> Documents { get; } = new(StringComparer.Ordinal);
    public int Reads;

    public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        Interlocked.Increment(ref Reads);
        return Documents.TryGetValue(address, out var doc)
            ? Task.FromResult(doc)
            : Task.FromException<string>(new IOException("no document at " + address));
    }
}

/// <summary>Asymmetric signing keys of a pretend identity provider, and their JWKS document.</summary>
public sealed class TestKeys
{
    public const string JwtSecret = "test-console-jwt-secret-0123456789abcdef0123456789";
    public const string JwksUrl = "https://idp.test/.well-known/jwks.json";
    /// <summary>The issuer the test hosts require (JWKS configured: an issuer is mandatory) and the test tokens carry.</summary>
    public const string Issuer = "https://tests.tracing.local/auth/v1";

    public static readonly TestKeys Shared = new();
    public static readonly MemoryDocuments Documents = Shared.Serve(new MemoryDocuments(), JwksUrl);

    public RSA Rsa { get; } = RSA.Create(2048);
    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public string RsaKid { get; } = "rsa-" + Guid.NewGuid().ToString("N")[..8];
    public string EcKid { get; } = "ec-" + Guid.NewGuid().ToString("N")[..8];

    public string Jwks
    {
        get
        {
            var r = Rsa.ExportParameters(false);
            var e = Ec.ExportParameters(false);
            return JsonSerializer.Serialize(new
            {
                keys = new object[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = RsaKid, n = B64(r.Modulus!), e = B64(r.Exponent!) },
                    new { kty = "EC", use = "sig", alg = "ES256", kid = EcKid, crv = "P-256", x = B64(e.Q.X!), y = B64(e.Q.Y!) },
                },
            });
        }
    }

    public MemoryDocuments Serve(MemoryDocuments documents, string jwksUrl)
    {
        documents.Documents[jwksUrl] = Jwks;
        return documents;
    }

    public string SignRs256(IDictionary<string, object> claims, TimeSpan? ttl = null, string audience = "authenticated", string? issuer = Issuer) =>
        Sign(claims, new SigningCredentials(new RsaSecurityKey(Rsa) { KeyId = RsaKid }, SecurityAlgorithms.RsaSha256), ttl, audience, issuer);

    public string SignEs256(IDictionary<string, object> claims, TimeSpan? ttl = null, string audience = "authenticated", string? issuer = Issuer) =>
        Sign(claims, new SigningCredentials(new ECDsaSecurityKey(Ec) { KeyId = EcKid }, SecurityAlgorithms.EcdsaSha256), ttl, audience, issuer);

    /// <summary>An HS256 console token for the tests' shared secret.</summary>
    public static string Hs256(string workspace, string role, string subject = "user-1", TimeSpan? ttl = null, DateTimeOffset? issuedAt = null,
        string audience = "authenticated", string secret = JwtSecret, string? issuer = Issuer) =>
        DevTokens.Mint(secret, workspace, role, subject, issuedAt ?? DateTimeOffset.UtcNow, ttl ?? TimeSpan.FromMinutes(10), audience, issuer);

    public static Dictionary<string, object> Claims(string workspace, string role, string subject = "user-1") =>
        new() { ["sub"] = subject, ["workspace_id"] = workspace, ["role"] = role };

    private static string Sign(IDictionary<string, object> claims, SigningCredentials credentials, TimeSpan? ttl, string audience, string? issuer)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims, Audience = audience, Issuer = issuer, IssuedAt = now, NotBefore = now,
            Expires = now + (ttl ?? TimeSpan.FromMinutes(10)), SigningCredentials = credentials,
        });
    }

    private static string B64(byte[] b) => Base64UrlEncoder.Encode(b);
}
