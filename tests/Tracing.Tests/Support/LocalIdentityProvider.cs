using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Tracing.Tests.Support;

/// <summary>
/// A pretend identity provider on a real loopback port: an OpenID discovery document and a JWKS document served over
/// HTTP, counting how often each is fetched, with keys that can be rotated while it runs. It is also a small real
/// authorization server for one client (<see cref="ClientId"/>): an authorize endpoint with a sign-in form for its
/// <see cref="Users"/>, and a token endpoint that redeems a code once, for the same client and redirect URI, only
/// with the PKCE verifier (S256) of its challenge, answering an ID token and an access token signed with its keys.
/// </summary>
public sealed class LocalIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "tracing-console";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private int _jwksReads, _discoveryReads, _tokensIssued, _tokenRefusals;
    private volatile TestKeys _keys;

    private sealed record Grant(string RedirectUri, string Challenge, string? Nonce, string User);

    private LocalIdentityProvider(WebApplication app, TestKeys keys)
    {
        _app = app;
        _keys = keys;
    }

    public string BaseUrl { get; private set; } = "";
    public string JwksUrl => BaseUrl + "/keys";
    public TestKeys Keys => _keys;
    public int JwksReads => Volatile.Read(ref _jwksReads);
    public int DiscoveryReads => Volatile.Read(ref _discoveryReads);
    public int TokensIssued => Volatile.Read(ref _tokensIssued);
    public int TokenRefusals => Volatile.Read(ref _tokenRefusals);

    /// <summary>Who can sign in, and the claims of their access token (besides sub, iss, aud, exp).</summary>
    public ConcurrentDictionary<string, Dictionary<string, object>> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>The client's registered redirect URI (set once the console's host has its port).</summary>
    public string? RedirectUri { get; set; }

    /// <summary>The provider publishes only <paramref name="next"/>'s keys from now on (the old ones are withdrawn).</summary>
    public void Rotate(TestKeys next) => _keys = next;

    public static async Task<LocalIdentityProvider> StartAsync(TestKeys keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var idp = new LocalIdentityProvider(app, keys);
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref idp._discoveryReads);
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = idp.BaseUrl, ["jwks_uri"] = idp.JwksUrl,
                ["authorization_endpoint"] = idp.BaseUrl + "/authorize", ["token_endpoint"] = idp.BaseUrl + "/token",
                ["response_types_supported"] = new[] { "code" }, ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" }, ["code_challenge_methods_supported"] = new[] { "S256" },
            });
        });
        app.MapGet("/keys", () =>
        {
            Interlocked.Increment(ref idp._jwksReads);
            return Results.Text(idp._keys.Jwks, "application/json");
        });
        app.MapGet("/authorize", idp.AuthorizeForm);
        app.MapPost("/authorize", idp.Approve);
        app.MapPost("/token", idp.Token);
        await app.StartAsync();
        idp.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return idp;
    }

    /// <summary>The provider's own sign-in page: the request's parameters checked, then carried in hidden fields.</summary>
    private IResult AuthorizeForm(HttpRequest request)
    {
        var q = request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["redirect_uri"] != RedirectUri ||
            q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]) || !$" {q["scope"]} ".Contains(" openid "))
            return Results.BadRequest("invalid_request: client, response type, redirect URI, PKCE S256 or openid scope");
        string Hidden(string name) => $"<input type=\"hidden\" name=\"{name}\" value=\"{WebUtility.HtmlEncode(q[name])}\">";
        var html = "<!doctype html><html><head><title>Local provider</title></head><body><form method=\"post\" action=\"/authorize\">" +
                   Hidden("redirect_uri") + Hidden("state") + Hidden("nonce") + Hidden("code_challenge") +
                   "<label>User name <input name=\"username\"></label><button type=\"submit\">Sign in</button></form></body></html>";
        return Results.Content(html, "text/html");
    }

    private async Task<IResult> Approve(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var user = form["username"].ToString();
        if (!Users.ContainsKey(user) || form["redirect_uri"] != RedirectUri) return Results.BadRequest("access_denied");
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new Grant(form["redirect_uri"]!, form["code_challenge"]!, form["nonce"], user);
        return Results.Redirect($"{RedirectUri}?code={code}&state={Uri.EscapeDataString(form["state"].ToString())}&iss={Uri.EscapeDataString(BaseUrl)}");
    }

    private async Task<IResult> Token(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var verifier = form["code_verifier"].ToString();
        // A code is spent by its first use, right or wrong.
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant) ||
            form["client_id"] != ClientId || form["redirect_uri"] != grant.RedirectUri || verifier.Length < 43 ||
            Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.Challenge)
        {
            Interlocked.Increment(ref _tokenRefusals);
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }
        var access = new Dictionary<string, object>(Users[grant.User]) { ["sub"] = grant.User };
        var id = new Dictionary<string, object> { ["sub"] = grant.User, ["name"] = grant.User };
        if (grant.Nonce is { Length: > 0 } nonce) id["nonce"] = nonce;
        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = _keys.SignRs256(access, issuer: BaseUrl),
            ["id_token"] = _keys.SignRs256(id, audience: ClientId, issuer: BaseUrl),
            ["token_type"] = "Bearer", ["expires_in"] = 600,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
