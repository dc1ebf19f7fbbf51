using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tracing.Api.Access;
using Tracing.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Live;

/// <summary>
/// A real browser: headless Chromium (Playwright) opens the API's /live page, whose EventSource authenticates with a
/// single-use ticket. The server ends every connection after 2 s, so the browser reconnects on its own
/// (same URL, spent ticket: the resume cookie authenticates it; Last-Event-ID resumes it) while events keep
/// arriving. The page must end up with every seq exactly once, in order.
/// </summary>
[Collection(ApiCollection.Name)] // after the fixture has reset the schema; never beside the collection's tests
public sealed class BrowserReconnect(BrowserFixture chromium, ITestOutputHelper output)
{
    private sealed record PageRecord(long[] Seqs, string[] Ids, int Opens, int Errors)
    {
        public override string ToString() =>
            $"{Seqs.Length} seqs [{string.Join(",", Seqs)}], ids [{string.Join(",", Ids)}], opens {Opens}, errors {Errors}";
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task a_browser_event_source_reconnects_after_server_drops_and_sees_every_event_once_in_order()
    {
        var clock = Stopwatch.StartNew();
        await using var api = await LoopbackApi.StartAsync(
            "Tracing:Stream:MaxConnectionSeconds=2", "Tracing:Stream:RetryMilliseconds=200");
        var workspace = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var key = await api.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync(workspace, "proj", "browser-test", [AccessSetup.Read, AccessSetup.Write], default);
        using var http = api.CreateClient(key.Token);

        var session = "browser-" + Guid.NewGuid().ToString("N")[..8];
        await Send(http, "/api/traces", new { id = session, agent = "browser-test" });
        await Append(http, session, 1, 20);
        var ticket = (await Send(http, "/api/stream/tickets", new { })).GetProperty("ticket").GetString()!;
        output.WriteLine($"api up, session + 20 events + ticket: {clock.ElapsedMilliseconds} ms");

        var url = new Uri(api.BaseAddress, $"/live?session={Uri.EscapeDataString(session)}&ticket={Uri.EscapeDataString(ticket)}");
        await using var context = await chromium.NewContextAsync();
        var browser = await context.NewPageAsync();
        await browser.GotoAsync(url.ToString());
        output.WriteLine($"chromium on the page: {clock.ElapsedMilliseconds} ms");

        // Connected and backfilled: the first 20 events came from the ticket-authenticated first connection.
        var record = await PollAsync(browser, r => r.Seqs.Length >= 20, TimeSpan.FromSeconds(20));
        output.WriteLine($"backfill seen: {clock.ElapsedMilliseconds} ms, opens {record.Opens}");

        // Keep appending batches of 2, each once the page has shown the one before (the writer follows the page: no
        // timed pacing), until the server has dropped the page twice and it reconnected on its own: so batches are in
        // flight across drops, and some land while the browser is between connections.
        var total = 20;
        while (record.Opens < 3)
        {
            Assert.True(total < 5_000, $"the page never reconnected twice: {record}");
            await Append(http, session, total + 1, total + 2);
            var shown = total;
            total += 2;
            record = await PollAsync(browser, r => r.Seqs.Length >= shown, TimeSpan.FromSeconds(10));
        }
        output.WriteLine($"{total} appended: {clock.ElapsedMilliseconds} ms");

        record = await PollAsync(browser, r => r.Seqs.Length >= total, TimeSpan.FromSeconds(20));
        output.WriteLine($"all seen: {clock.ElapsedMilliseconds} ms; {record.Opens} connections, {record.Errors} error events");

        AssertExactlyOnceInOrder(record, total);

        // A quiet stream is cut off on time too, and resuming from the last Last-Event-ID replays nothing: on the new
        // connection, a replay would arrive before the next event.
        var opens = record.Opens;
        await PollAsync(browser, r => r.Opens > opens, TimeSpan.FromSeconds(6));
        await Append(http, session, total + 1, total + 1);
        record = await PollAsync(browser, r => r.Seqs.Length >= total + 1, TimeSpan.FromSeconds(10));
        output.WriteLine($"idle reconnect, then {total + 1} seen: {clock.ElapsedMilliseconds} ms; {record.Opens} connections");
        AssertExactlyOnceInOrder(record, total + 1);
    }

    private static void AssertExactlyOnceInOrder(PageRecord record, int count)
    {
        Assert.True(record.Seqs.SequenceEqual(Enumerable.Range(1, count).Select(i => (long)i)),
            $"the page must see seqs 1..{count} exactly once, in order; it saw {record}");
        Assert.Equal(record.Seqs.Select(s => s.ToString()), record.Ids); // session cursor mode: id = seq
    }

    /// <summary>Reads window.__record until it satisfies the condition or the deadline passes (then fails with it).</summary>
    private static async Task<PageRecord> PollAsync(IPage page, Func<PageRecord, bool> done, TimeSpan within)
    {
        PageRecord? last = null;
        try
        {
            return await Eventually.UntilAsync(async () =>
            {
                var text = await page.EvaluateAsync<string>("JSON.stringify(window.__record || null)");
                if (text is not null && text != "null") last = JsonSerializer.Deserialize<PageRecord>(text, Json)!;
                return last;
            }, r => r is not null && done(r), within, r => r?.ToString() ?? "no record");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"the page's record did not get there within {within}: {ex.Message}");
        }
    }

    private static Task Append(HttpClient http, string session, int from, int to) =>
        Send(http, $"/api/traces/{session}/events", new { events = Enumerable.Range(from, to - from + 1).Select(i => Ev(i)).ToArray() });

    private static async Task<JsonElement> Send(HttpClient http, string url, object body)
    {
        using var reply = await http.PostAsJsonAsync(url, body);
        var text = await reply.Content.ReadAsStringAsync();
        if (!reply.IsSuccessStatusCode) throw new InvalidOperationException($"POST {url}: {(int)reply.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
