using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Tracing.Api.Access;
using Tracing.WebConsole.Client;

namespace Tracing.Api.ConsoleHost;

/// <summary>
/// Console sign-in (ADR 0018): a one-time link becomes a console JWT held in an HttpOnly, SameSite=Strict cookie
/// (Secure behind TLS). The token is validated by the same <see cref="ConsoleTokens"/> the API uses before the cookie
/// is set, so a link can never sign anyone in with a token the API would refuse.
/// </summary>
public static class SignInEndpoints
{
    public static void MapConsoleSignIn(this WebApplication app)
    {
        app.MapGet("/signin", (HttpContext http) => Page(http, null)).AllowAnonymous().ExcludeFromDescription();
        app.MapConsoleOidc();
        app.MapGet(ConsoleSignIns.Path, Redeem).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/console/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(ConsoleClaims.Scheme);
            return Results.Redirect("/signin");
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    private static async Task<IResult> Redeem(HttpContext http, string? code, ConsoleSignIns links, ConsoleSessionToken minter,
        ConsoleTokens tokens, CancellationToken ct)
    {
        // Never cached, never sent onwards as a referrer: the URL held a (now spent) credential.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        if (!minter.CanMint)
            return Page(http, "This server validates console tokens from an external provider only, so sign-in links are off.", 400);
        var grant = await links.RedeemAsync(code, ct);
        if (grant is null) return Page(http, "This sign-in link is invalid, expired or already used. Ask for a new one: ./tracing console-link --workspace W", 400);

        var (token, expires) = minter.Mint(grant.WorkspaceId, grant.Role, grant.Subject)!.Value;
        var (valid, error) = await tokens.ValidateAsync(token, ct);
        if (valid is null) return Page(http, $"The API refuses the console token: {error}", 400);

        await http.SignInAsync(ConsoleClaims.Scheme, ConsolePrincipal.Create(grant.Subject, grant.WorkspaceId, grant.Role, token),
            new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false });
        return Results.Redirect("/");
    }

    internal static IResult Page(HttpContext http, string? error, int status = 200)
    {
        var enc = HtmlEncoder.Default;
        var links = "<p>Open the one-time sign-in link printed by <code>./tracing run</code>, or ask an administrator for one: " +
                    "<code>./tracing console-link --workspace W [--role admin|member|viewer]</code>.</p>";
        if (http.RequestServices.GetService<OidcSettings>() is { } oidc)
        {
            var start = OidcSettings.StartPath + "?returnUrl=" + Uri.EscapeDataString(ConsolePrincipal.LocalPath(http.Request.Query["ReturnUrl"]));
            links = $"<p><a class=\"button\" data-testid=\"oidc\" href=\"{enc.Encode(start)}\">Sign in with {enc.Encode(oidc.DisplayName)}</a></p>" + links;
        }
        var message = error is null ? links : $"<p role=\"alert\" class=\"error\">{enc.Encode(error)}</p>" + links;
        var html = $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · Tracing</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="stylesheet" href="/_content/Tracing.Console/console.css"></head>
            <body class="signin"><main><h1>Tracing console</h1>{{message}}</main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
