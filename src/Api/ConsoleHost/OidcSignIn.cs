using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Tracing.Api.Access;
using Tracing.Domain.Access;
using Tracing.WebConsole.Client;

namespace Tracing.Api.ConsoleHost;

/// <summary>
/// Console sign-in with the OpenID provider of <c>Tracing:Jwt:*</c> (ADR 0032): authorization-code flow with PKCE
/// (ASP.NET Core's OpenID Connect handler), then the same HttpOnly, SameSite=Strict cookie as a one-time link. The token
/// kept in the cookie is one the API itself accepts (validated by <see cref="ConsoleTokens"/>: the access token, else the
/// ID token), and the workspace and role come from its claims, so the console applies exactly the API's walls.
/// </summary>
public static class OidcSignIn
{
    public const string Scheme = "TracingOidc";
    public const string WorkspaceItem = "tracing:workspace";

    public static void AddConsoleOidc(this AuthenticationBuilder auth, OidcSettings oidc) =>
        auth.AddOpenIdConnect(Scheme, oidc.DisplayName, o =>
        {
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // The code comes back on a top-level GET, so the correlation and nonce cookies can be SameSite=Lax (form_post
            // would need SameSite=None, which browsers drop without TLS).
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CallbackPath = OidcSettings.CallbackPath;
            o.SignInScheme = ConsoleClaims.Scheme;
            o.Scope.Clear();
            foreach (var scope in oidc.Scopes) o.Scope.Add(scope);
            o.MapInboundClaims = false;
            o.SaveTokens = false; // the one token the console needs goes into its own claim; nothing else is kept
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Events.OnTokenValidated = AdoptTokenAsync;
            o.Events.OnTicketReceived = BounceAsync;
            o.Events.OnRemoteFailure = FailAsync;
        });

    public static void MapConsoleOidc(this WebApplication app)
    {
        if (app.Services.GetService<OidcSettings>() is null) return;
        app.MapGet(OidcSettings.StartPath, (string? returnUrl, string? workspace) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = ConsolePrincipal.LocalPath(returnUrl) };
            if (Membership.IsValidName(workspace)) properties.Items[WorkspaceItem] = workspace;
            return Results.Challenge(properties, [Scheme]);
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>
    /// After the handler has checked the ID token (signature, issuer, audience, nonce): pick the token the API accepts and
    /// the workspace it grants, and make the cookie's principal from them. Anything else refuses the sign-in.
    /// </summary>
    private static async Task AdoptTokenAsync(TokenValidatedContext context)
    {
        var tokens = context.HttpContext.RequestServices.GetRequiredService<ConsoleTokens>();
        var ct = context.HttpContext.RequestAborted;
        string? lastError = null;
        foreach (var candidate in new[] { context.TokenEndpointResponse?.AccessToken, context.TokenEndpointResponse?.IdToken })
        {
            if (candidate is null || !ConsoleTokens.LooksLikeJwt(candidate)) continue;
            var (valid, error) = await tokens.ValidateAsync(candidate, ct);
            if (valid is null) { lastError = error; continue; }

            var grants = Membership.Grants(valid.Payload, tokens.Settings.Claims);
            context.Properties!.Items.TryGetValue(WorkspaceItem, out var wanted);
            var (grant, denial) = Membership.Choose(grants, wanted, null);
            // Several workspaces and none asked for: the first the token lists (the sign-in page takes ?workspace=).
            if (grant is null && grants.Count > 1 && wanted is null) grant = grants[0];
            if (grant is null) { context.Fail(denial!.Detail); return; }

            context.Principal = ConsolePrincipal.Create(valid.Subject, grant.WorkspaceId, grant.Role, candidate);
            var expires = valid.Payload.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
            var cap = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + ConsoleSessionToken.Lifetime;
            context.Properties.ExpiresUtc = expires is { } e && e < cap ? e : cap; // never outlives the token inside it
            context.Properties.IsPersistent = false;
            return;
        }
        context.Fail(lastError is null
            ? "The provider returned no JWT the API accepts (neither the access token nor the ID token)."
            : $"The API refuses the provider's token: {lastError}");
    }

    /// <summary>
    /// Sets the cookie, then leaves through a same-site page: the callback was reached by a cross-site redirect, and a
    /// SameSite=Strict cookie is not sent on a redirect chain that began on another site.
    /// </summary>
    private static async Task BounceAsync(TicketReceivedContext context)
    {
        await context.HttpContext.SignInAsync(ConsoleClaims.Scheme, context.Principal!, context.Properties);
        var target = HtmlEncoder.Default.Encode(ConsolePrincipal.LocalPath(context.ReturnUri));
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={target}\">" +
            $"<title>Signed in · Tracing</title></head><body><p>Signed in. <a href=\"{target}\">Continue to the console</a>.</p></body></html>");
        context.HandleResponse();
    }

    private static async Task FailAsync(RemoteFailureContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        var reason = context.Failure?.Message is { Length: > 0 and < 300 } m ? m : "the provider's answer could not be used";
        await SignInEndpoints.Page(context.HttpContext, $"Sign-in with the identity provider failed: {reason}", 400)
            .ExecuteAsync(context.HttpContext);
        context.HandleResponse();
    }
}
