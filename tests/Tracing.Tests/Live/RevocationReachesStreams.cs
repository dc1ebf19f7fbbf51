using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Api.Live;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Live;

/// <summary>A revoked key or an expired console token stops open streams, stream tickets and resume credentials.</summary>
[Collection(ApiCollection.Name)] // after the fixture has reset the schema
public sealed class RevocationReachesStreams
{
    private static readonly string[] Settings =
        ["Tracing:Stream:CredentialCheckSeconds=1", "Tracing:Stream:HeartbeatSeconds=1", "Tracing:Jwt:Secret=" + TestKeys.JwtSecret];

    private static async Task<(LoopbackApi Api, KeyIssuer.Issued Key)> StartAsync(string workspace)
    {
        var api = await LoopbackApi.StartAsync(Settings);
        var key = await api.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync(workspace, "proj", "stream-test", [AccessSetup.Read, AccessSetup.Write], default);
        return (api, key);
    }

    private static async Task RevokeAsync(LoopbackApi api, string keyId)
    {
        Assert.True(await api.Services.GetRequiredService<KeyIssuer>().RevokeAsync(keyId, default));
        api.Services.GetRequiredService<ApiKeyDirectory>().Forget(keyId); // what DELETE /api/keys/{id} does on its node
    }

    /// <summary>Reads until the server ends the stream; fails if it is still open after <paramref name="within"/>.</summary>
    private static async Task AssertEndsWithinAsync(SseClient sse, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!sse.Ended)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, "the stream was still open");
            try { await sse.NextAsync(left); }
            catch (OperationCanceledException) { Assert.Fail("the stream was still open"); }
        }
    }

    [Fact]
    public async Task an_open_stream_ends_once_its_key_is_revoked()
    {
        var (api, key) = await StartAsync("ws-" + Guid.NewGuid().ToString("N")[..12]);
        await using var _ = api;
        using var http = api.CreateClient(key.Token);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/traces", new { id = "s1" })).StatusCode);
        await http.PostAsJsonAsync("/api/traces/s1/events", new { seq = 1, type = "log", payload = new { } });

        await using var sse = await SseClient.OpenAsync(http, "/api/stream?types=event.appended&after_seq=0", key.Token);
        Assert.Single(await sse.TakeAsync(1));
        await RevokeAsync(api, key.Record.Id);
        await AssertEndsWithinAsync(sse, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task a_resume_cookie_stops_working_once_its_key_is_revoked()
    {
        var (api, key) = await StartAsync("ws-" + Guid.NewGuid().ToString("N")[..12]);
        await using var _ = api;
        using var http = api.CreateClient(key.Token);
        var ticket = (await (await http.PostAsync("/api/stream/tickets", null)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("ticket").GetString()!;

        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = api.BaseAddress };
        await using (var first = await SseClient.OpenAsync(browser, $"/api/stream?ticket={ticket}", null))
            Assert.Equal(200, first.Status);
        await using (var resumed = await SseClient.OpenAsync(browser, "/api/stream", null))
            Assert.Equal(200, resumed.Status); // the cookie alone reconnects while the key is good

        await RevokeAsync(api, key.Record.Id);
        await using var refused = await SseClient.OpenAsync(browser, "/api/stream", null);
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task a_console_stream_ends_when_its_token_expires_and_its_resume_cookie_does_not_outlive_it()
    {
        var workspace = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var (api, _) = await StartAsync(workspace);
        await using var __ = api;
        var token = TestKeys.Hs256(workspace, "viewer", ttl: TimeSpan.FromSeconds(4));
        var expires = DateTimeOffset.UtcNow.AddSeconds(4);
        using var http = api.CreateClient(token);

        await using (var sse = await SseClient.OpenAsync(http, "/api/stream", token))
        {
            Assert.Equal(200, sse.Status);
            await AssertEndsWithinAsync(sse, TimeSpan.FromSeconds(12));
        }
        Assert.True(DateTimeOffset.UtcNow >= expires.AddSeconds(-1), "the stream ended before the token expired");

        var fresh = TestKeys.Hs256(workspace, "viewer", ttl: TimeSpan.FromSeconds(3));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fresh);
        var issued = await (await http.PostAsync("/api/stream/tickets", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(issued.GetProperty("expires_at").GetDateTimeOffset() <= DateTimeOffset.UtcNow.AddSeconds(4),
            "the ticket outlives the token it stands in for");
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = api.BaseAddress };
        await using (var first = await SseClient.OpenAsync(browser, $"/api/stream?ticket={issued.GetProperty("ticket").GetString()}", null))
        {
            Assert.Equal(200, first.Status);
            var cookie = first.SetCookie;
            Assert.NotNull(cookie);
            Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);
        }
        // Once the token is past its expiry, the resume credential made from it is refused.
        await Eventually.UntilAsync(async () =>
        {
            await using var again = await SseClient.OpenAsync(browser, "/api/stream", null);
            return again.Status;
        }, s => s == 401, TimeSpan.FromSeconds(15), s => $"resume answered {s}");
    }

    [Fact]
    public void connections_have_a_maximum_lifetime_by_default()
    {
        var defaults = new StreamOptions();
        Assert.InRange(defaults.MaxConnectionSeconds, 1, 3600);
        Assert.InRange(defaults.CredentialCheckSeconds, 1, 5);
    }
}
