using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tracing.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Console;

/// <summary>
/// The web console in a real browser against the real API and PostgreSQL: the whole debugging loop a person does,
/// from the one-time sign-in link to a regression verdict, and the workspace wall seen from the address bar.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConsoleLoop(BrowserFixture chromium, ITestOutputHelper output)
{
    private static readonly string[] Settings =
    [
        $"Tracing:Jwt:Secret={TestKeys.JwtSecret}", $"Tracing:SigningSecret={AppFixture.SigningSecret}",
        "Tracing:Stream:MaxConnectionSeconds=2", "Tracing:Stream:RetryMilliseconds=200", "Tracing:Regression:MinAfterSessions=1",
        $"Tracing:DataDir={Path.Combine(Path.GetTempPath(), "tracing-console-" + Guid.NewGuid().ToString("N")[..8])}",
    ];

    [Fact]
    public async Task a_person_signs_in_replays_a_failing_session_watches_a_live_one_and_triages_its_incident_to_a_verdict()
    {
        var clock = Stopwatch.StartNew();
        await using var api = await LoopbackApi.StartAsync(Settings);
        using var world = await ConsoleWorld.CreateAsync(api);
        await world.SessionAsync("checkout-failed", ConsoleWorld.FailingRun());
        var artifact = await world.ScreenshotAsync("checkout-failed", 5);
        await world.AppendAsync("checkout-failed", Ev(9, "session.ended", new { status = "error", reason = "search timed out" }));
        var analysis = await world.AnalyzeAsync("checkout-failed");
        var critical = analysis.GetProperty("findings").EnumerateArray().First().GetProperty("critical_step").GetInt64();
        await world.SessionAsync("checkout-ok", ConsoleWorld.CleanRun());
        await world.AppendAsync("checkout-ok", Ev(5, "session.ended", new { status = "ok" }));
        await ConsoleWorld.Send(world.Admin, HttpMethod.Put, $"/api/projects/{ConsoleWorld.Project}/agent-config",
            "model: gpt-4o\ntool_retry_attempts: 5\non_tool_error: ignore\n");
        var incident = await world.FirstIncidentAsync();
        var incidentId = incident.GetProperty("id").GetString()!;
        output.WriteLine($"data ready: {clock.ElapsedMilliseconds} ms");

        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        // Sign in with the one-time link: it lands on the sessions list, and a second use of the link is refused.
        var link = await world.SignInLinkAsync();
        await page.GotoAsync(link);
        await Expect(page.Locator("[data-testid=who]")).ToContainTextAsync("alice");
        var failedRow = page.Locator("tr[data-session='checkout-failed']");
        await Expect(failedRow).ToHaveClassAsync(new Regex("has-error"));
        var reuse = await context.APIRequest.GetAsync(link, new() { MaxRedirects = 0 });
        Assert.Equal(400, reuse.Status);
        await Screenshots.TakeAsync(page, "console-sessions");

        // The list follows sessions starting while it is open (session.updated over the live stream, which starts at the
        // store's position when it opens: the page says so once it is connected).
        await Expect(page.Locator(".live-state")).ToContainTextAsync("Live");
        await world.SessionAsync("started-while-watching", Ev(1));
        await Expect(page.Locator("tr[data-session='started-while-watching']")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // Has-errors and free text filter on the server (the API pages the filtered list), then the status filter finds
        // the failing session; open it: the critical step is highlighted, the artifact renders.
        var rows = page.Locator("tr[data-session]");
        await page.GetByLabel("Has errors").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(failedRow).ToBeVisibleAsync();
        await page.GetByLabel("Has errors").UncheckAsync();
        await page.Locator("input[aria-label=Search]").FillAsync("CHECKOUT-O");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("tr[data-session='checkout-ok']")).ToBeVisibleAsync();
        await page.Locator("input[aria-label=Search]").FillAsync("");
        await page.Locator("select[aria-label=Status]").SelectOptionAsync("failed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("tr[data-session='checkout-ok']")).ToHaveCountAsync(0);
        await failedRow.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator("[data-loaded=all]")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Analyze" }).ClickAsync(); // same events: same findings
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Analyze" })).ToBeEnabledAsync();
        await Expect(page.Locator(".alert")).ToHaveCountAsync(0);
        await page.Locator(".critical-jump").First.ClickAsync();
        var criticalRow = page.Locator($".row[data-seq='{critical}']");
        await Expect(criticalRow).ToHaveClassAsync(new Regex(@"\bcritical\b.*\bselected\b"));
        await Expect(page.Locator($"[data-detail-seq='{critical}']")).ToBeVisibleAsync();
        Assert.Equal(1, await page.Locator(".row[data-seq='5'][data-depth='2']").CountAsync()); // run > llm-1 > tool-1
        var image = page.Locator($".artifacts figure[data-artifact='{artifact}'] img");
        await Expect(image).ToBeVisibleAsync();
        await Eventually.UntilAsync(() => image.EvaluateAsync<int>("i => i.complete ? i.naturalWidth : 0"), w => w == 160,
            TimeSpan.FromSeconds(10), w => $"the artifact image did not render (naturalWidth {w})");
        await page.Locator(".row[data-seq='2']").ClickAsync();
        await Expect(page.Locator(".conversation .msg[data-role='user']")).ToContainTextAsync("Weather in Paris?");
        await page.GetByText("Raw JSON").ClickAsync();
        await Expect(page.Locator("[data-testid=raw-json]")).ToContainTextAsync("\"llm.request\"");
        await page.Locator($".row[data-seq='{critical}']").ClickAsync();
        await page.Keyboard.PressAsync("ArrowDown"); // the timeline is a listbox: arrow keys move the selection
        await Expect(page.Locator($".row[data-seq='{critical + 1}']")).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(criticalRow).ToHaveAttributeAsync("aria-selected", "true");
        // The waterfall: one bar per span with a start and an end, placed and sized on one time axis; a span opens its step.
        await page.Locator(".waterfall-box summary").ClickAsync();
        var toolSpan = page.Locator(".waterfall li[data-span='tool-1']");
        await Expect(toolSpan).ToHaveAttributeAsync("data-ms", "30000");
        await Expect(page.Locator(".waterfall li[data-span='llm-1']")).ToHaveAttributeAsync("data-ms", "890");
        var toolBar = (await toolSpan.Locator(".bar").BoundingBoxAsync())!;
        var llmBar = (await page.Locator(".waterfall li[data-span='llm-1'] .bar").BoundingBoxAsync())!;
        Assert.True(toolBar.Width > 20 * llmBar.Width, $"tool bar {toolBar.Width}px vs llm bar {llmBar.Width}px");
        Assert.True(toolBar.X > llmBar.X, "the tool span starts after the LLM span");
        await toolSpan.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator(".row[data-seq='4']")).ToHaveAttributeAsync("aria-selected", "true");
        await Screenshots.TakeAsync(page, "console-replay");
        output.WriteLine($"replay checked: {clock.ElapsedMilliseconds} ms");

        // The incident: its sample opens the session at the critical step; triage; a concurrent change gives the 412 path.
        await page.GotoAsync(new Uri(api.BaseAddress, $"/incidents/{incidentId}").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync(incident.GetProperty("title").GetString()!);
        await page.Locator("select[aria-label=Status]").SelectOptionAsync("acknowledged");
        await page.Locator("input[aria-label=Owner]").FillAsync("alice");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");

        // Someone else (another console user, through the API) changes the owner meanwhile.
        await ConsoleWorld.Send(world.Admin, HttpMethod.Patch, $"/api/incidents/{incidentId}", "{\"owner\":\"bob\"}",
            contentType: "application/merge-patch+json");
        await page.Locator("select[aria-label=Status]").SelectOptionAsync("resolved");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("[data-testid=stale]")).ToContainTextAsync("changed by someone else");
        await page.Locator("[data-testid=stale] button").ClickAsync();
        await Expect(page.Locator("input[aria-label=Owner]")).ToHaveValueAsync("bob");
        await Expect(page.Locator("select[aria-label=Status]")).ToHaveValueAsync("acknowledged"); // theirs, not the unsaved edit

        // The fix proposal's diff, then a regression run over the clean session and its verdict.
        await page.GetByRole(AriaRole.Button, new() { Name = "Propose a fix" }).ClickAsync();
        await Expect(page.Locator(".diff tr[data-kind=added]").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator(".diff tr[data-kind=removed]").First).ToBeVisibleAsync();
        await page.GetByLabel("After-fix sessions (ids, comma-separated)").FillAsync("checkout-ok");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start regression run" }).ClickAsync();
        await Expect(page.Locator("[data-testid=run][data-run-status=completed]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-testid=run] [data-status=fixed]")).ToBeVisibleAsync();
        await Expect(page.Locator(".history li").First).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "console-incident", fullPage: true);

        await page.Locator($"a[data-sample='checkout-failed']").First.ClickAsync();
        await Expect(page.Locator($".row[data-seq='{critical}']")).ToHaveClassAsync(new Regex(@"\bcritical\b.*\bselected\b"));
        output.WriteLine($"incident checked: {clock.ElapsedMilliseconds} ms");

        // Settings: a key is shown once at creation, then listed without its secret, and revoked; the overview draws its charts.
        await page.GotoAsync(new Uri(api.BaseAddress, "/settings").ToString());
        await page.Locator("select[aria-label='Project to configure']").SelectOptionAsync(ConsoleWorld.Project);
        await page.GetByLabel("Key name").FillAsync("from-console");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.Locator("[data-testid=new-key]")).ToContainTextAsync("trk_");
        var keyRow = page.Locator("table[aria-label='API keys'] tr", new() { HasText = "from-console" });
        await keyRow.GetByRole(AriaRole.Button, new() { Name = "Revoke key from-console" }).ClickAsync();
        await Expect(keyRow).ToContainTextAsync("revoked");
        Assert.DoesNotContain("trk_", await keyRow.InnerTextAsync());
        // The overview charts the stats API's hourly rollups of this workspace (three sessions, one failed).
        await api.WaitForProjectionsAsync(TimeSpan.FromSeconds(30));
        await page.GotoAsync(new Uri(api.BaseAddress, "/overview").ToString());
        await Expect(page.Locator("figure.chart")).ToHaveCountAsync(6);
        await Expect(page.Locator("[data-testid=overview-totals]")).ToContainTextAsync("3 sessions, 1 failed");

        // A live session: events appended while the page is open appear in order, across server-side drops (every 2 s).
        await world.SessionAsync("live-run", Ev(1), Ev(2), Ev(3));
        await page.GotoAsync(new Uri(api.BaseAddress, $"/sessions/{ConsoleWorld.Project}/live-run").ToString());
        await Expect(page.Locator("[data-live=on]")).ToBeVisibleAsync();
        var total = 3;
        for (var drop = 1; drop <= 3; drop++)
        {
            var opens = await TailOpensAsync(page);
            await world.AppendAsync("live-run", Ev(total + 1), Ev(total + 2));
            total += 2;
            await Expect(page.Locator($".row[data-seq='{total}']")).ToBeVisibleAsync();
            await Eventually.UntilAsync(() => TailOpensAsync(page), o => o > opens, TimeSpan.FromSeconds(10),
                o => $"the server never dropped the live tail ({o} connections)");
        }
        await world.AppendAsync("live-run", Ev(total + 1));
        total++;
        await Expect(page.Locator($".row[data-seq='{total}']")).ToBeVisibleAsync();
        await Expect(page.Locator(".timeline")).ToHaveAttributeAsync("data-count", total.ToString());
        var seqs = await page.Locator(".timeline .row").EvaluateAllAsync<long[]>("rows => rows.map(r => Number(r.dataset.seq))");
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);
        output.WriteLine($"live checked, {total} events, {await TailOpensAsync(page)} connections: {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task a_console_user_of_one_workspace_gets_nothing_of_another_by_editing_urls()
    {
        await using var api = await LoopbackApi.StartAsync(Settings);
        using var mine = await ConsoleWorld.CreateAsync(api);
        using var theirs = await ConsoleWorld.CreateAsync(api);
        await mine.SessionAsync("mine-1", ConsoleWorld.CleanRun());
        await theirs.SessionAsync("theirs-secret", ConsoleWorld.FailingRun());
        var artifact = await theirs.ScreenshotAsync("theirs-secret", 2);
        await theirs.AnalyzeAsync("theirs-secret");
        var incidentId = (await theirs.FirstIncidentAsync()).GetProperty("id").GetString()!;

        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(await mine.SignInLinkAsync(role: "viewer"));
        await Expect(page.Locator("tr[data-session='mine-1']")).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-session='theirs-secret']")).ToHaveCountAsync(0);

        // The theme toggle changes the colours and is remembered across a reload.
        var html = page.Locator("html");
        var before = await html.GetAttributeAsync("data-theme");
        const string background = "() => getComputedStyle(document.body).backgroundColor";
        var colour = await page.EvaluateAsync<string>(background);
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch between dark and light theme" }).ClickAsync();
        var after = before == "dark" ? "light" : "dark";
        await Expect(html).ToHaveAttributeAsync("data-theme", after);
        var toggled = await page.EvaluateAsync<string>(background);
        Assert.NotEqual(colour, toggled);
        await page.ReloadAsync();
        await Expect(page.Locator("tr[data-session='mine-1']")).ToBeVisibleAsync();
        await Expect(html).ToHaveAttributeAsync("data-theme", after);
        Assert.Equal(toggled, await page.EvaluateAsync<string>(background));

        // A viewer's console cannot do what a viewer's token cannot: the API's 403 is what the page shows.
        await page.GotoAsync(new Uri(api.BaseAddress, $"/sessions/{ConsoleWorld.Project}/mine-1").ToString());
        await Expect(page.Locator("[data-loaded=all]")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Analyze" }).ClickAsync();
        await Expect(page.Locator(".alert")).ToContainTextAsync("(403)");

        await page.GotoAsync(new Uri(api.BaseAddress, $"/sessions/{ConsoleWorld.Project}/theirs-secret").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");
        Assert.Equal(0, await page.Locator(".row").CountAsync());

        await page.GotoAsync(new Uri(api.BaseAddress, $"/incidents/{incidentId}").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");

        var image = await context.APIRequest.GetAsync(new Uri(api.BaseAddress, $"/console/artifacts/{artifact}?project={ConsoleWorld.Project}").ToString(),
            new() { MaxRedirects = 0 });
        Assert.Equal(404, image.Status);

        // The console cookie is no API credential: the API's own routes ignore it.
        var direct = await context.APIRequest.GetAsync(new Uri(api.BaseAddress, "/api/sessions").ToString());
        Assert.Equal(401, direct.Status);
    }

    private static async Task<int> TailOpensAsync(IPage page) =>
        await page.EvaluateAsync<int>("() => (window.__tracingTails || []).reduce((n, t) => t.closed ? n : Math.max(n, t.opens), 0)");
}
