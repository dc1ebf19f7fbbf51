using Microsoft.Playwright;
using Tracing.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Tracing.Tests.Console;

/// <summary>
/// Console sign-in through a real OpenID provider over HTTP (ADR 0032): the browser goes through the provider's own
/// sign-in page, the console redeems the code with PKCE, keeps the provider's access token in its cookie, and acts with
/// the workspace and role of that token's claims, behind the same walls as the API. No signing secret is configured:
/// the provider's keys are the only ones the server trusts.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SigningInWithOidc(BrowserFixture chromium)
{
    [Fact]
    public async Task a_person_signs_in_with_the_provider_and_the_console_applies_the_walls_of_the_token_claims()
    {
        await using var idp = await LocalIdentityProvider.StartAsync(new TestKeys());
        await using var api = await LoopbackApi.StartAsync(
            $"Tracing:Jwt:Authority={idp.BaseUrl}", $"Tracing:Jwt:Issuer={idp.BaseUrl}", "Tracing:Jwt:RequireHttpsMetadata=false",
            $"Tracing:Console:Oidc:ClientId={LocalIdentityProvider.ClientId}", "Tracing:Console:Oidc:DisplayName=Local provider",
            $"Tracing:SigningSecret={AppFixture.SigningSecret}",
            $"Tracing:DataDir={Path.Combine(Path.GetTempPath(), "tracing-oidc-" + Guid.NewGuid().ToString("N")[..8])}");
        idp.RedirectUri = new Uri(api.BaseAddress, "/console/oidc/callback").ToString();
        using var mine = await ConsoleWorld.CreateAsync(api);
        using var theirs = await ConsoleWorld.CreateAsync(api);
        await mine.SessionAsync("mine-1", ConsoleWorld.CleanRun());
        await theirs.SessionAsync("theirs-secret", ConsoleWorld.FailingRun());
        idp.Users["ada"] = new() { ["workspace_id"] = mine.Workspace, ["role"] = "viewer" };
        idp.Users["nobody"] = new() { ["role"] = "viewer" }; // authenticated by the provider, member of no workspace

        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        string? callback = null;
        page.Request += (_, r) => { if (r.Url.Contains("/console/oidc/callback")) callback = r.Url; };

        // Signed out, a console page leads to the sign-in page; its provider button goes through the provider's form.
        await page.GotoAsync(new Uri(api.BaseAddress, "/incidents").ToString());
        await page.Locator("[data-testid=oidc]").ClickAsync();
        await page.GetByLabel("User name").FillAsync("ada");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The whole chain (provider, code redemption over the back channel, the first circuit of a fresh host) gets a
        // generous deadline: on a loaded CI machine it can take longer than Playwright's default 5 s.
        await Expect(page.Locator("[data-testid=who]")).ToContainTextAsync($"ada · {mine.Workspace} (viewer)", new() { Timeout = 30_000 });
        Assert.EndsWith("/incidents", page.Url); // back where the person was going
        Assert.Equal((1, 0), (idp.TokensIssued, idp.TokenRefusals));

        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "tracing_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.False(cookie.Secure); // plain HTTP here; Secure whenever the request is HTTPS (SameAsRequest)

        // The token's workspace and role are the console's: own sessions only, another workspace's is not found by URL,
        // and a viewer's Analyze is the API's 403.
        await page.GotoAsync(new Uri(api.BaseAddress, "/sessions").ToString());
        await Expect(page.Locator("tr[data-session='mine-1']")).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-session='theirs-secret']")).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(api.BaseAddress, $"/sessions/{ConsoleWorld.Project}/theirs-secret").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");
        await page.GotoAsync(new Uri(api.BaseAddress, $"/sessions/{ConsoleWorld.Project}/mine-1").ToString());
        await Expect(page.Locator("[data-loaded=all]")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Analyze" }).ClickAsync();
        await Expect(page.Locator(".alert")).ToContainTextAsync("(403)");

        // The callback cannot be replayed: the code is spent and the browser's correlation cookie is gone.
        Assert.NotNull(callback);
        await using var fresh = await chromium.NewContextAsync();
        var replay = await fresh.APIRequest.GetAsync(callback!, new() { MaxRedirects = 0 });
        Assert.Equal(400, replay.Status);
        Assert.DoesNotContain(replay.HeadersArray, h => h.Name.Equals("set-cookie", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("tracing_console="));

        // Someone the provider knows but who has no workspace role is refused, and gets no console cookie.
        await using var stranger = await chromium.NewContextAsync();
        var other = await stranger.NewPageAsync();
        await other.GotoAsync(new Uri(api.BaseAddress, "/signin").ToString());
        await other.Locator("[data-testid=oidc]").ClickAsync();
        await other.GetByLabel("User name").FillAsync("nobody");
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(other.Locator("[role=alert]")).ToContainTextAsync("grants no role", new() { Timeout = 30_000 });
        Assert.DoesNotContain(await stranger.CookiesAsync(), c => c.Name == "tracing_console");
    }
}
