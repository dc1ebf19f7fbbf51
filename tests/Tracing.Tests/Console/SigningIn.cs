using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.ConsoleHost;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Console;

/// <summary>The one-time sign-in link and the cookie it sets, over the real host (ADR 0018).</summary>
[Collection(ApiCollection.Name)]
public sealed class SigningIn(AppFixture app)
{
    [Fact]
    public async Task a_link_signs_in_once_with_an_httponly_strict_cookie_and_is_refused_after()
    {
        var client = await app.NewClientAsync();
        var code = await app.Host.Services.GetRequiredService<ConsoleSignIns>()
            .IssueAsync(client.Workspace, "viewer", "carol", ConsoleSignIns.DefaultLifetime, default);

        var first = await client.Get($"/console/signin?code={code}", bearer: "");
        Assert.Equal(302, first.Status);
        Assert.Equal("/", first.Headers["Location"]);
        var cookie = first.Headers["Set-Cookie"].ToLowerInvariant();
        Assert.StartsWith("tracing_console=", cookie);
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        Assert.Contains("no-store", first.Headers["Cache-Control"]);

        var again = await client.Get($"/console/signin?code={code}", bearer: "");
        Assert.Equal(400, again.Status);
        Assert.False(again.Headers.ContainsKey("Set-Cookie"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("csi_0000000000000000000000000000000000000000000000")]
    [InlineData("stk_not-a-sign-in-code")]
    public async Task a_made_up_link_signs_nobody_in(string code)
    {
        var client = await app.NewClientAsync();
        var reply = await client.Get($"/console/signin?code={code}", bearer: "");
        Assert.Equal(400, reply.Status);
        Assert.False(reply.Headers.ContainsKey("Set-Cookie"));
    }

    [Fact]
    public async Task console_pages_send_a_signed_out_visitor_to_the_sign_in_page()
    {
        var client = await app.NewClientAsync();
        var reply = await client.Get("/sessions", bearer: "");
        Assert.Equal(302, reply.Status);
        Assert.StartsWith("http://localhost/signin", reply.Headers["Location"]);

        // An API key is no console session either: the console's paths only read the sign-in cookie.
        var withKey = await client.Get("/sessions");
        Assert.Equal(302, withKey.Status);
    }
}
