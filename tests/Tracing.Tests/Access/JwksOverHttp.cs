using System.Net;
using Microsoft.IdentityModel.Protocols;
using Tracing.Api.Access;
using Tracing.Domain.Access;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Access;

/// <summary>
/// JWKS and OpenID discovery fetched over real HTTP (the production <see cref="HttpDocumentRetriever"/>) from a local
/// identity provider: documents are cached, a rotated key is picked up by a refetch, and refetches are rate-limited.
/// </summary>
[Collection(ApiCollection.Name)] // the end-to-end case runs a node on the test schema
public sealed class JwksOverHttp
{
    private static JwtSettings Settings(string? jwks = null, string? authority = null, string? issuer = null) =>
        new(null, jwks, authority, "authenticated", issuer, new MembershipClaims(), RequireHttpsMetadata: false, FromDevSecret: false);

    private static ConsoleTokens Tokens(JwtSettings settings) => new(settings, new HttpDocumentRetriever { RequireHttps = false });

    [Fact]
    public async Task the_jwks_document_is_fetched_over_http_once_and_then_served_from_the_cache()
    {
        await using var idp = await LocalIdentityProvider.StartAsync(new TestKeys());
        var tokens = Tokens(Settings(jwks: idp.JwksUrl));

        for (var i = 0; i < 5; i++)
        {
            Assert.Null((await tokens.ValidateAsync(idp.Keys.SignRs256(TestKeys.Claims("acme", "member", $"u{i}")), default)).Error);
            Assert.Null((await tokens.ValidateAsync(idp.Keys.SignEs256(TestKeys.Claims("acme", "member", $"u{i}")), default)).Error);
        }
        Assert.Equal(1, idp.JwksReads);
    }

    [Fact]
    public async Task a_rotated_key_is_fetched_on_first_sight_and_unknown_kids_do_not_hammer_the_provider()
    {
        await using var idp = await LocalIdentityProvider.StartAsync(new TestKeys());
        var tokens = Tokens(Settings(jwks: idp.JwksUrl));
        var old = idp.Keys;
        Assert.Null((await tokens.ValidateAsync(old.SignRs256(TestKeys.Claims("acme", "member")), default)).Error);
        Assert.Equal(1, idp.JwksReads);

        var next = new TestKeys();
        idp.Rotate(next);
        // The first token with the new kid makes the validator refetch (IdentityModel may refresh in the background:
        // polled with a deadline, not slept).
        await Eventually.UntilAsync(() => tokens.ValidateAsync(next.SignEs256(TestKeys.Claims("acme", "member")), default),
            r => r.Error is null, TimeSpan.FromSeconds(20), r => $"rotated key still refused: {r.Error}");
        Assert.Equal(2, idp.JwksReads);

        // A withdrawn key and a stranger's key are refused, and asking again within the refresh interval fetches nothing.
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull((await tokens.ValidateAsync(old.SignRs256(TestKeys.Claims("acme", "member")), default)).Error);
            Assert.NotNull((await tokens.ValidateAsync(new TestKeys().SignRs256(TestKeys.Claims("acme", "member")), default)).Error);
        }
        Assert.Equal(2, idp.JwksReads);
    }

    [Fact]
    public async Task discovery_over_http_finds_the_keys_and_checks_the_published_issuer()
    {
        await using var idp = await LocalIdentityProvider.StartAsync(new TestKeys());
        var tokens = Tokens(Settings(authority: idp.BaseUrl + "/"));

        Assert.Null((await tokens.ValidateAsync(idp.Keys.SignEs256(TestKeys.Claims("acme", "viewer"), issuer: idp.BaseUrl), default)).Error);
        Assert.Null((await tokens.ValidateAsync(idp.Keys.SignRs256(TestKeys.Claims("acme", "viewer"), issuer: idp.BaseUrl), default)).Error);
        Assert.Equal((1, 1), (idp.DiscoveryReads, idp.JwksReads));

        // A wrong issuer is refused; IdentityModel may refetch once in case the provider changed, then no more within
        // the refresh interval however many such tokens arrive.
        for (var i = 0; i < 4; i++)
            Assert.Equal("The token was issued by an untrusted issuer.",
                (await tokens.ValidateAsync(idp.Keys.SignEs256(TestKeys.Claims("acme", "viewer"), issuer: "https://evil.test"), default)).Error);
        Assert.Null((await tokens.ValidateAsync(idp.Keys.SignEs256(TestKeys.Claims("acme", "viewer"), issuer: idp.BaseUrl), default)).Error);
        Assert.InRange(idp.DiscoveryReads, 1, 2);
        Assert.InRange(idp.JwksReads, 1, 2);
    }

    [Fact]
    public async Task a_node_configured_with_a_jwks_url_accepts_the_providers_tokens_over_real_http()
    {
        await using var idp = await LocalIdentityProvider.StartAsync(new TestKeys());
        await using var api = await LoopbackApi.StartAsync("Tracing:RunBackground=false", $"Tracing:Jwt:JwksUrl={idp.JwksUrl}",
            "Tracing:Jwt:RequireHttpsMetadata=false", $"Tracing:Jwt:Issuer={TestKeys.Issuer}");
        var workspace = "ws-" + Guid.NewGuid().ToString("N")[..12];

        using var member = api.CreateClient(idp.Keys.SignRs256(TestKeys.Claims(workspace, "member")));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/sessions")).StatusCode);
        using var stranger = api.CreateClient(new TestKeys().SignRs256(TestKeys.Claims(workspace, "member")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/sessions")).StatusCode);
        Assert.True(idp.JwksReads >= 1);
    }
}
