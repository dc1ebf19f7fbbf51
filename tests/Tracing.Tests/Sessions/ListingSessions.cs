using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Sessions;

[Collection(ApiCollection.Name)]
public sealed class ListingSessions(AppFixture app)
{
    private static List<string> Ids(Reply r) =>
        r.Body.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task sessions_list_newest_first_with_a_cursor_and_only_the_callers_project()
    {
        var client = await app.NewClientAsync(project: "alpha");
        var sibling = await app.NewClientAsync(workspace: client.Workspace, project: "beta");
        var created = new List<string>();
        for (var i = 0; i < 5; i++) created.Add(await client.CreateSession($"s{i}"));
        await sibling.CreateSession("hidden");
        await app.WaitForProjectionsAsync();

        var first = await client.Get("/api/sessions?limit=2");
        Assert.Equal(["s4", "s3"], Ids(first));
        var cursor = first.Body.GetProperty("next_cursor").GetString();
        var second = await client.Get($"/api/sessions?limit=2&cursor={cursor}");
        Assert.Equal(["s2", "s1"], Ids(second));
        var last = await client.Get($"/api/sessions?limit=2&cursor={second.Body.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["s0"], Ids(last));
        Assert.Equal(JsonValueKind.Null, last.Body.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task the_list_says_which_log_position_it_reflects_and_the_stream_from_there_brings_what_came_after()
    {
        // ADR 0044: read the list, then follow the log from its as_of_position: a session that starts in between arrives
        // on the stream, and one the list already showed does not come again.
        var client = await app.NewClientAsync();
        await client.CreateSession("before");
        await app.WaitForProjectionsAsync();
        var list = await client.Get("/api/sessions");
        Assert.Equal(["before"], Ids(list));
        var asOf = list.Body.GetProperty("as_of_position").GetInt64();
        Assert.True(asOf > 0, $"as_of_position {asOf}");

        await client.CreateSession("between"); // after the list was read, before anyone follows the stream
        await using var stream = await SseClient.OpenAsync(app.Host.Server.CreateClient(),
            $"/api/stream?after_seq={asOf}&types=session.updated", client.Token);
        var updated = await stream.TakeAsync(1, "session.updated");
        Assert.Equal("between", updated[0].Json.GetProperty("session_id").GetString());
        Assert.True(long.Parse(updated[0].Id!) > asOf);

        await app.WaitForProjectionsAsync();
        var later = await client.Get("/api/sessions");
        Assert.Equal(["between", "before"], Ids(later));
        Assert.True(later.Body.GetProperty("as_of_position").GetInt64() >= long.Parse(updated[0].Id!),
            "once the read model has the session, the list reflects its position");
    }

    [Fact]
    public async Task filters_narrow_and_never_broaden_the_scope()
    {
        var client = await app.NewClientAsync(project: "alpha");
        await app.NewClientAsync(workspace: client.Workspace, project: "beta");
        await client.Post("/api/traces", new { id = "done", agent = "planner" });
        await client.Post("/api/traces", new { id = "live", agent = "coder" });
        await client.Append("done", Ev(1, "session.ended", new { status = "ok" }));
        await app.WaitForProjectionsAsync();

        Assert.Equal(["done"], Ids(await client.Get("/api/sessions?status=ended")));
        Assert.Equal(["live"], Ids(await client.Get("/api/sessions?agent=coder")));
        Assert.Equal(["live", "done"], Ids(await client.Get("/api/sessions?project_id=alpha")));
        Assert.Empty(Ids(await client.Get($"/api/sessions?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}")));
        Assert.Equal(404, (await client.Get("/api/sessions?project_id=beta")).Status);
        Assert.Equal(422, (await client.Get("/api/sessions?status=bogus")).Status);
        Assert.Equal(422, (await client.Get("/api/sessions?cursor=zzz")).Status);
    }

    [Fact]
    public async Task has_errors_and_free_text_filter_before_paging_so_every_page_is_full_and_none_is_skipped()
    {
        var client = await app.NewClientAsync();
        // Newest first: e5 ok-4 e3 ok-2 e1 ok-0, where e* have an error event or a failed end.
        for (var i = 0; i < 6; i++)
        {
            var id = i % 2 == 1 ? $"e{i}" : $"ok-{i}";
            await client.Post("/api/traces", new { id, agent = i < 3 ? "Planner-Bot" : "coder", name = i == 4 ? "Checkout flow" : null });
            if (i == 1) await client.Append(id, Ev(1, "session.ended", new { status = "error", reason = "crashed" }));
            else if (i % 2 == 1) await client.Append(id, Ev(1, "error", new { message = "boom" }));
            else await client.Append(id, Ev(1));
        }
        await app.WaitForProjectionsAsync();

        var first = await client.Get("/api/sessions?has_errors=true&limit=2");
        Assert.Equal(["e5", "e3"], Ids(first));
        var next = await client.Get($"/api/sessions?has_errors=true&limit=2&cursor={first.Body.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["e1"], Ids(next));
        Assert.Equal(JsonValueKind.Null, next.Body.GetProperty("next_cursor").ValueKind);
        Assert.Equal(["ok-4", "ok-2", "ok-0"], Ids(await client.Get("/api/sessions?has_errors=false")));

        // Free text: case-insensitive over id, agent and name, combined with the other filters; LIKE wildcards are literal.
        var text = await client.Get("/api/sessions?q=planner-bot&limit=2");
        Assert.Equal(["ok-2", "e1"], Ids(text));
        Assert.Equal(["ok-0"], Ids(await client.Get($"/api/sessions?q=planner-bot&limit=2&cursor={text.Body.GetProperty("next_cursor").GetString()}")));
        Assert.Equal(["ok-4"], Ids(await client.Get("/api/sessions?q=CHECKOUT")));
        Assert.Equal(["e3"], Ids(await client.Get("/api/sessions?q=e3&has_errors=true")));
        Assert.Empty(Ids(await client.Get("/api/sessions?q=%25")));
        Assert.Empty(Ids(await client.Get("/api/sessions?q=_")));
        Assert.Equal(422, (await client.Get("/api/sessions?has_errors=maybe")).Status);
        Assert.Equal(422, (await client.Get("/api/sessions?q=%20")).Status);
    }
}
