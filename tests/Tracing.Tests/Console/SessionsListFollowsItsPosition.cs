using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tracing.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Console;

/// <summary>
/// ADR 0044: the sessions list follows the live stream from the log position its first page reflected, so a session that
/// starts between that read and the stream's subscription is shown, however late the browser's EventSource connects.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SessionsListFollowsItsPosition(BrowserFixture chromium)
{
    private static readonly string[] Settings =
    [
        $"Tracing:Jwt:Secret={TestKeys.JwtSecret}", $"Tracing:SigningSecret={AppFixture.SigningSecret}",
        $"Tracing:DataDir={Path.Combine(Path.GetTempPath(), "tracing-console-" + Guid.NewGuid().ToString("N")[..8])}",
    ];

    [Fact]
    public async Task a_session_started_before_the_page_stream_connects_is_listed()
    {
        await using var api = await LoopbackApi.StartAsync(Settings);
        using var world = await ConsoleWorld.CreateAsync(api);
        await world.SessionAsync("first", Ev(1));
        await Eventually.UntilAsync(() => ListedAsync(world.Key), ids => ids.Contains("first"), TimeSpan.FromSeconds(30),
            ids => $"the read model lists [{string.Join(", ", ids)}]");

        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        // The page's EventSource is held until the session below has started and the server's live position is past it.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(new Regex(@"/api/stream\?"), async route =>
        {
            held.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });

        await page.GotoAsync(await world.SignInLinkAsync());
        await Expect(page.Locator("tr[data-session='first']")).ToBeVisibleAsync(); // the first page is read
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await using (var live = await SseClient.OpenAsync(world.Key, "/api/stream?types=session.updated", null))
        {
            await live.UntilEventIdAsync(TimeSpan.FromSeconds(10)); // subscribed: it starts at the live position
            await world.SessionAsync("between", Ev(1));
            var seen = await live.TakeAsync(1, "session.updated");
            Assert.Equal("between", seen[0].Json.GetProperty("session_id").GetString()); // the live position is past it
        }
        release.SetResult();

        await Expect(page.Locator(".live-state")).ToContainTextAsync("Live");
        await Expect(page.Locator("tr[data-session='between']")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(2);
    }

    private static async Task<List<string>> ListedAsync(HttpClient key)
    {
        var body = await key.GetFromJsonAsync<JsonElement>("/api/sessions");
        return body.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
    }
}
