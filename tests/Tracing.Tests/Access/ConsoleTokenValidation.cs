using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Tracing.Api.Access;
using Tracing.Api.Cli;
using Tracing.Domain.Access;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Access;

/// <summary>Console JWT validation without a host: signature, audience, issuer, lifetime, JWKS and discovery.</summary>
public sealed class ConsoleTokenValidation
{
    private static JwtSettings Settings(string? secret = TestKeys.JwtSecret, string? jwks = null, string? authority = null,
        string audience = "authenticated", string? issuer = null) =>
        new(secret, jwks, authority, audience, issuer, new MembershipClaims(), RequireHttpsMetadata: true, FromDevSecret: false);

    private static Task<(ConsoleToken? Token, string? Error)> Validate(JwtSettings settings, string token, MemoryDocuments? docs = null) =>
        new ConsoleTokens(settings, docs ?? new MemoryDocuments()).ValidateAsync(token, default);

    [Fact]
    public async Task a_token_signed_with_the_shared_secret_is_valid_and_carries_its_claims()
    {
        var (token, error) = await Validate(Settings(), TestKeys.Hs256("acme", "admin", subject: "u-42"));
        Assert.Null(error);
        Assert.Equal("u-42", token!.Subject);
        Assert.Equal([new Grant("acme", "admin")], Membership.Grants(token.Payload, new MembershipClaims()));
    }

    [Fact]
    public async Task expiry_allows_thirty_seconds_of_clock_skew_and_no_more()
    {
        var now = DateTimeOffset.UtcNow;
        var justExpired = TestKeys.Hs256("acme", "viewer", issuedAt: now.AddMinutes(-10), ttl: TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(10));
        var longExpired = TestKeys.Hs256("acme", "viewer", issuedAt: now.AddMinutes(-10), ttl: TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(45));
        Assert.Null((await Validate(Settings(), justExpired)).Error);
        Assert.Equal("The token has expired.", (await Validate(Settings(), longExpired)).Error);
        var notYet = TestKeys.Hs256("acme", "viewer", issuedAt: now.AddMinutes(5));
        Assert.Equal("The token is not valid yet.", (await Validate(Settings(), notYet)).Error);
    }

    [Fact]
    public async Task a_wrong_signature_audience_or_issuer_is_rejected()
    {
        var otherSecret = TestKeys.Hs256("acme", "admin", secret: "another-secret-that-is-long-enough-0123456789");
        Assert.Equal("The token's signature does not verify against a trusted key.", (await Validate(Settings(), otherSecret)).Error);
        Assert.Equal("The token was issued for another audience.",
            (await Validate(Settings(), TestKeys.Hs256("acme", "admin", audience: "service_role"))).Error);
        Assert.Equal("The token was issued by an untrusted issuer.",
            (await Validate(Settings(issuer: "https://idp.test/auth/v1"), TestKeys.Hs256("acme", "admin"))).Error);
    }

    [Fact]
    public async Task tampered_unsigned_or_garbage_tokens_are_rejected()
    {
        var good = TestKeys.Hs256("acme", "viewer");
        var parts = good.Split('.');
        var elevated = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new
        {
            sub = "user-1", workspace_id = "acme", role = "admin", aud = "authenticated",
            exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        })).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var noneHeader = Convert.ToBase64String("""{"alg":"none","typ":"JWT"}"""u8.ToArray()).TrimEnd('=');

        Assert.NotNull((await Validate(Settings(), $"{parts[0]}.{elevated}.{parts[2]}")).Error);
        Assert.NotNull((await Validate(Settings(), $"{noneHeader}.{parts[1]}.")).Error);
        Assert.NotNull((await Validate(Settings(), "a.b.c")).Error);
        Assert.NotNull((await Validate(Settings(), "..")).Error);
    }

    [Fact]
    public async Task a_token_without_a_usable_subject_is_rejected()
    {
        var token = DevTokens.Mint(TestKeys.JwtSecret, new Dictionary<string, object> { ["workspace_id"] = "acme", ["role"] = "admin" },
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        Assert.Equal("The token has no usable sub claim.", (await Validate(Settings(), token)).Error);
    }

    [Fact]
    public async Task rs256_and_es256_tokens_verify_against_the_jwks_document_and_other_keys_do_not()
    {
        var idp = new TestKeys();
        var docs = idp.Serve(new MemoryDocuments(), "https://idp.test/jwks");
        var settings = Settings(secret: null, jwks: "https://idp.test/jwks");
        var tokens = new ConsoleTokens(settings, docs);

        Assert.Null((await tokens.ValidateAsync(idp.SignRs256(TestKeys.Claims("acme", "member")), default)).Error);
        Assert.Null((await tokens.ValidateAsync(idp.SignEs256(TestKeys.Claims("acme", "member")), default)).Error);
        var stranger = new TestKeys();
        Assert.Equal("The token's signature does not verify against a trusted key.",
            (await tokens.ValidateAsync(stranger.SignRs256(TestKeys.Claims("acme", "member")), default)).Error);
        // With only a JWKS configured, an HS256 token is not accepted at all (no algorithm confusion).
        Assert.NotNull((await tokens.ValidateAsync(TestKeys.Hs256("acme", "admin"), default)).Error);
    }

    [Fact]
    public async Task discovery_through_the_authority_checks_the_documented_issuer()
    {
        var idp = new TestKeys();
        var docs = idp.Serve(new MemoryDocuments(), "https://idp.test/auth/v1/keys");
        docs.Documents["https://idp.test/auth/v1/.well-known/openid-configuration"] = JsonSerializer.Serialize(new
        {
            issuer = "https://idp.test/auth/v1", jwks_uri = "https://idp.test/auth/v1/keys",
        });
        var tokens = new ConsoleTokens(Settings(secret: null, authority: "https://idp.test/auth/v1/"), docs);

        Assert.Null((await tokens.ValidateAsync(idp.SignEs256(TestKeys.Claims("acme", "viewer"), issuer: "https://idp.test/auth/v1"), default)).Error);
        Assert.Equal("The token was issued by an untrusted issuer.",
            (await tokens.ValidateAsync(idp.SignEs256(TestKeys.Claims("acme", "viewer"), issuer: "https://evil.test"), default)).Error);
    }

    [Fact]
    public async Task an_unreachable_jwks_document_fails_closed()
    {
        var idp = new TestKeys();
        var tokens = new ConsoleTokens(Settings(secret: null, jwks: "https://idp.test/missing"), new MemoryDocuments());
        Assert.NotNull((await tokens.ValidateAsync(idp.SignRs256(TestKeys.Claims("acme", "member")), default)).Error);
    }

    [Fact]
    public void a_short_secret_is_refused_at_start_up()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Tracing:Jwt:Secret"] = "short" }).Build();
        Assert.Throws<InvalidOperationException>(() => JwtSettings.From(config, "/"));
    }

    [Fact]
    public async Task the_token_command_mints_a_development_token_with_a_secret_created_on_first_use()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tracing-token-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Tracing:Jwt:DevSecretFile"] = ".tracing/dev-jwt-secret",
            }).Build();
            var output = new StringWriter();
            var errors = new StringWriter();
            Assert.Equal(0, TokenCommand.Run(["--workspace", "acme", "--role", "viewer", "--ttl", "5"], config, dir, output, errors));
            Assert.Contains("development", errors.ToString());

            var file = Path.Combine(dir, ".tracing", "dev-jwt-secret");
            Assert.True(File.Exists(file));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            var token = output.ToString().Trim().Split('\n')[^1].Trim();

            var settings = JwtSettings.From(config, dir); // what ./tracing run configures
            Assert.True(settings.FromDevSecret);
            var (valid, error) = await new ConsoleTokens(settings, new MemoryDocuments()).ValidateAsync(token, default);
            Assert.Null(error);
            Assert.Equal([new Grant("acme", "viewer")], Membership.Grants(valid!.Payload, settings.Claims));

            Assert.Equal(2, TokenCommand.Run(["--workspace", "acme", "--role", "owner"], config, dir, output, errors));
            Assert.Equal(2, TokenCommand.Run(["--role", "admin"], config, dir, output, errors));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
