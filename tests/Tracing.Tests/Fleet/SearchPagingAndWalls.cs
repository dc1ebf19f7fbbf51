using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Fleet.FleetScenario;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Fleet;

[Collection(ApiCollection.Name)]
public sealed class SearchPagingAndWalls(AppFixture app)
{
    private static List<(string Session, long Seq, long Position)> Hits(Reply r) =>
        r.Body.GetProperty("data").EnumerateArray()
            .Select(h => (h.GetProperty("session_id").GetString()!, h.GetProperty("seq").GetInt64(), h.GetProperty("position").GetInt64())).ToList();

    [Fact]
    public async Task seq_cursors_never_skip_or_repeat_while_events_are_appended()
    {
        var client = await app.NewClientAsync();
        await client.CreateSession("a");
        await client.CreateSession("b");
        await client.Append("a", Enumerable.Range(1, 40).Select(i => Ev(i)).ToArray());
        await app.WaitForProjectionsAsync();

        // A writer keeps appending to both sessions while one reader pages newest-first and another oldest-first.
        var writer = Task.Run(async () =>
        {
            for (var i = 41; i <= 100; i += 5)
            {
                await client.Append("a", Enumerable.Range(i, 5).Select(s => Ev(s)).ToArray());
                await client.Append("b", Enumerable.Range(i, 5).Select(s => Ev(s)).ToArray());
            }
        });

        var desc = new List<(string, long, long)>();
        string? cursor = null;
        do
        {
            var page = await Search(client, new { limit = 7, cursor });
            desc.AddRange(Hits(page));
            cursor = page.Body.GetProperty("has_more").GetBoolean() ? page.Body.GetProperty("next_cursor").GetString() : null;
        } while (cursor is not null);

        var asc = new List<(string, long, long)>();
        cursor = null;
        while (!writer.IsCompleted || asc.Count < 40)
        {
            var page = await Search(client, new { limit = 6, order = "asc", cursor });
            asc.AddRange(Hits(page));
            cursor = page.Body.GetProperty("next_cursor").GetString() ?? cursor;
        }
        await writer;
        await app.WaitForProjectionsAsync();
        while (true) // drain what the projection added after the writer finished
        {
            var page = await Search(client, new { limit = 50, order = "asc", cursor });
            asc.AddRange(Hits(page));
            cursor = page.Body.GetProperty("next_cursor").GetString() ?? cursor;
            if (!page.Body.GetProperty("has_more").GetBoolean()) break;
        }

        // Newest-first: strictly descending positions, and every event at or below the first page's top, once.
        var top = desc[0].Item3;
        Assert.Equal(desc.Select(h => h.Item3).OrderDescending(), desc.Select(h => h.Item3));
        Assert.Equal(desc.Count, desc.Distinct().Count());
        var all = Hits(await Search(client, new { limit = 500 }));
        Assert.Equal(160, all.Count);
        Assert.Equal(all.Where(h => h.Position <= top).OrderByDescending(h => h.Position).ToList(), desc);
        // Oldest-first followed to the end: all 160 events, once each, in position order.
        Assert.Equal(all.OrderBy(h => h.Position).ToList(), asc);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), asc.Where(h => h.Item1 == "a").Select(h => h.Item2));
        Assert.Equal(Enumerable.Range(41, 60).Select(i => (long)i), asc.Where(h => h.Item1 == "b").Select(h => h.Item2));
    }

    [Fact]
    public async Task search_never_shows_another_project_or_workspace()
    {
        var owner = await app.NewClientAsync(project: "proj");
        var sibling = await app.NewClientAsync(workspace: owner.Workspace, project: "other");
        var stranger = await app.NewClientAsync(project: "proj");
        await CreateAsync(owner, "mine");
        await CreateAsync(sibling, "theirs");
        await app.WaitForProjectionsAsync();

        Assert.Equal(["mine"], (await Search(owner, new { })).Body.GetProperty("data").EnumerateArray().Select(h => h.GetProperty("session_id").GetString()).Distinct());
        Assert.Empty(Seqs(await Search(stranger, new { })));
        Assert.Empty(Seqs(await Search(stranger, new { filters = new[] { F("session_id", "eq", "mine") } })));
        Assert.Equal(403, (await Search(owner, new { project_id = "other" })).Status);
        Assert.Equal(403, (await Search(stranger, new { project_id = "elsewhere" })).Status);

        // A console caller spans its workspace, narrows by project_id, and never sees another workspace.
        var admin = app.ConsoleClient(owner.Workspace, "admin");
        var everything = await Search(admin, new { limit = 100 });
        Assert.Equal(["mine", "theirs"], everything.Body.GetProperty("data").EnumerateArray().Select(h => h.GetProperty("session_id").GetString()!).Distinct().Order());
        var narrowed = await Search(admin, new { project_id = "other", limit = 100 });
        Assert.All(narrowed.Body.GetProperty("data").EnumerateArray(), h => Assert.Equal("other", h.GetProperty("project_id").GetString()));
        var strangerAdmin = app.ConsoleClient(stranger.Workspace, "admin");
        Assert.Empty(Seqs(await Search(strangerAdmin, new { limit = 100 })));
    }
}
