using System.Security.Claims;
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

        var identity = new ClaimsIdentity([
            new Claim(ClaimTypes.Name, grant.Subject),
            new Claim(ConsoleClaims.Subject, grant.Subject),
            new Claim(ConsoleClaims.Workspace, grant.WorkspaceId),
            new Claim(ConsoleClaims.Role, grant.Role),
            new Claim(ConsoleClaims.Jwt, token),
        ], ConsoleClaims.Scheme);
        await http.SignInAsync(ConsoleClaims.Scheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false });
        return Results.Redirect("/");
    }

    private static IResult Page(HttpContext http, string? error, int status = 200)
    {
        var enc = HtmlEncoder.Default;
        var message = error is null
            ? "<p>Open the one-time sign-in link printed by <code>./tracing run</code>, or ask an administrator for one: " +
              "<code>./tracing console-link --workspace W [--role admin|member|viewer]</code>.</p>"
            : $"<p role=\"alert\" class=\"error\">{enc.Encode(error)}</p>";
        var html = $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · Tracing</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="stylesheet" href="/_content/Tracing.Console/console.css"></head>
            <body class="signin"><main><h1>Tracing console</h1>{{message}}</main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
