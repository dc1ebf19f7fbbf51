using System.Text.Json;
using Tracing.Domain.Incidents;
using Tracing.Projections.Databases;
using Tracing.Tests.Incidents;
using Tracing.Tests.Live;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Databases;

/// <summary>
/// ADR 0031: a workspace lives in one database; ingest, replay, the live stream, incidents and the walls between
/// workspaces work the same whichever database it is in, and its rows are in that database only.
/// </summary>
[Collection(TwoDatabaseCollection.Name)]
public sealed class WorkspacesOverTwoDatabases(TwoDatabaseFixture db)
{
    private const string Main = WorkspaceDatabases.MainName;
    private const string Second = TwoDatabaseFixture.Second;

    private HttpClient Http => db.Host.Server.CreateClient();

    private static string Other(string database) => database == Main ? Second : Main;

    [Theory]
    [InlineData(Main)]
    [InlineData(Second)]
    public async Task a_workspace_ingests_replays_and_streams_from_its_own_database(string database)
    {
        var client = await db.NewClientAsync(database);
        var id = await client.CreateSession();
        Assert.Equal(200, (await client.Append(id, Ev(3), Ev(1), Ev(2))).Status);

        Assert.Equal([1L, 2L, 3L], (await client.ReadAll(id)).Select(e => e.GetProperty("seq").GetInt64()));

        // Backfill of the session, then a live append through the hub that follows this workspace's database.
        await using (var sse = await SseClient.OpenAsync(Http, $"/api/stream?session_id={id}&types=event.appended", client.Token))
        {
            Assert.Equal([1L, 2L, 3L], (await sse.TakeAsync(3)).Select(m => m.Seq));
            Assert.Equal(200, (await client.Append(id, Ev(4))).Status);
            Assert.Equal(4L, (await sse.TakeAsync(1)).Single().Seq);
        }
        // The workspace-wide stream (cursor = the database's own positions) backfills the same four events, here through a
        // single-use browser ticket: issued and redeemed in the main database, it finds the workspace's database.
        var ticket = (await client.Post("/api/stream/tickets", "{}")).Body.GetProperty("ticket").GetString();
        await using (var sse = await SseClient.OpenAsync(Http, $"/api/stream?after_seq=0&types=event.appended&ticket={ticket}", null))
            Assert.Equal([1L, 2L, 3L, 4L], (await sse.TakeAsync(4)).Select(m => m.Seq));

        await db.WaitForProjectionsAsync(client.Workspace);
        var summary = await client.Get($"/api/traces/{id}");
        Assert.Equal(200, summary.Status);
        Assert.Equal(4, summary.Body.GetProperty("event_count").GetInt32());

        const string traceEvents = "tenant_id = $1 and type = 'trace_event'";
        Assert.Equal(4, await TwoDatabaseFixture.CountAsync(database, "mt_events", traceEvents, client.Workspace));
        Assert.Equal(0, await TwoDatabaseFixture.CountAsync(Other(database), "mt_events", traceEvents, client.Workspace));
    }

    [Theory]
    [InlineData(Main)]
    [InlineData(Second)]
    public async Task incidents_form_and_are_triaged_in_the_workspace_database(string database)
    {
        var client = await db.NewClientAsync(database);
        var session = await client.AnalysedSessionAsync(IncidentScenarios.ToolFailure());
        var incident = IncidentIds.For(client.Project, await client.FingerprintAsync(session, "tool_error"));

        var found = await IncidentAsync(client, incident, _ => true);
        var patched = await client.Patch(incident, """{"status":"acknowledged"}""", found.Headers["ETag"]);
        Assert.Equal(200, patched.Status);
        await IncidentAsync(client, incident, r => r.Body.GetProperty("status").GetString() == "acknowledged");

        Assert.True(await TwoDatabaseFixture.CountAsync(database, "mt_doc_incident", "tenant_id = $1", client.Workspace) == 1);
        Assert.Equal(0, await TwoDatabaseFixture.CountAsync(Other(database), "mt_doc_incident", "tenant_id = $1", client.Workspace));
    }

    [Fact]
    public async Task workspaces_in_different_databases_stay_walled_and_share_one_registry()
    {
        var a = await db.NewClientAsync(Main);
        var b = await db.NewClientAsync(Second);
        // The same client-chosen session id in both workspaces: two sessions, each seen only by its own workspace.
        await a.CreateSession("run-1");
        await b.CreateSession("run-1");
        await a.Append("run-1", Ev(1, payload: new { who = "a" }));
        await b.Append("run-1", Ev(1, payload: new { who = "b" }));
        Assert.Equal("a", (await a.ReadAll("run-1")).Single().GetProperty("payload").GetProperty("who").GetString());
        Assert.Equal("b", (await b.ReadAll("run-1")).Single().GetProperty("payload").GetProperty("who").GetString());

        var onlyB = await b.CreateSession();
        Assert.Equal(404, (await a.Get($"/api/traces/{onlyB}/events")).Status);
        Assert.Equal(404, (await a.Get($"/api/traces/{onlyB}")).Status);

        // A's live workspace stream: B's appends (another database, another hub follower) never reach it; A's do.
        await using var sse = await SseClient.OpenAsync(Http, "/api/stream?types=event.appended&after_seq=0", a.Token);
        await sse.UntilCommentsAsync(1, TimeSpan.FromSeconds(10));
        await b.Append(onlyB, Ev(1, payload: new { who = "b-live" }));
        await a.Append("run-1", Ev(2, payload: new { who = "a-live" }));
        var seen = await sse.TakeAsync(2);
        Assert.Equal(["a", "a-live"], seen.Select(m => m.Json.GetProperty("payload").GetProperty("who").GetString()));

        // Keys and workspaces are resolved before the workspace is known: both live in the main database only, while
        // each key's audit entry is kept with its workspace.
        foreach (var c in new[] { a, b })
        {
            Assert.Equal(1, await TwoDatabaseFixture.CountAsync(Main, "mt_doc_apikey", "id = $1", c.KeyId));
            Assert.Equal(0, await TwoDatabaseFixture.CountAsync(Second, "mt_doc_apikey", "id = $1", c.KeyId));
            Assert.Equal(1, await TwoDatabaseFixture.CountAsync(Main, "mt_doc_workspace", "id = $1", c.Workspace));
        }
        Assert.Equal(1, await TwoDatabaseFixture.CountAsync(Second, "mt_doc_auditentry", "tenant_id = $1", b.Workspace));
        Assert.Equal(0, await TwoDatabaseFixture.CountAsync(Main, "mt_doc_auditentry", "tenant_id = $1", b.Workspace));
        Assert.Equal(Second, await db.Databases.NameForAsync(b.Workspace, default));
    }

    [Fact]
    public async Task a_placement_is_written_once_and_new_workspaces_go_to_the_least_used_database()
    {
        var placed = "ws-" + Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(Second, await db.Databases.PlaceAsync(placed, Second, default));
        Assert.Equal(Second, await db.Databases.PlaceAsync(placed, Main, default)); // the first placement wins
        await Assert.ThrowsAsync<ArgumentException>(() => db.Databases.PlaceAsync("ws-x", "nowhere", default));

        var counts = await db.Databases.CountsAsync(default);
        var leastUsed = db.Databases.Names.OrderBy(n => counts.GetValueOrDefault(n)).ThenBy(n => n, StringComparer.Ordinal).First();
        var fresh = "ws-" + Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(leastUsed, await db.Databases.PlaceAsync(fresh, null, default));
        Assert.Equal(counts.GetValueOrDefault(leastUsed) + 1, (await db.Databases.CountsAsync(default))[leastUsed]);
    }

    [Fact]
    public async Task racing_placements_of_one_workspace_all_answer_the_one_stored()
    {
        // Nodes placing a new workspace at once, each naming another database: the first commit wins and every
        // caller, including those whose statement began before it committed, answers that placement in one statement.
        for (var round = 0; round < 5; round++)
        {
            var workspace = "ws-race-" + Guid.NewGuid().ToString("N")[..12];
            using var start = new ManualResetEventSlim();
            var racers = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
            {
                start.Wait();
                return await db.Databases.PlaceAsync(workspace, i % 2 == 0 ? Main : Second, default);
            })).ToArray();
            start.Set();
            var answers = await Task.WhenAll(racers);
            Assert.Single(answers.Distinct());
            Assert.Equal(1, await TwoDatabaseFixture.CountAsync(Main, "workspace_databases", "workspace_id = $1 and database = $2",
                workspace, answers[0]));
        }
    }

    private async Task<Reply> IncidentAsync(TestClient client, string id, Func<Reply, bool> done) =>
        await Eventually.UntilAsync(async () =>
            {
                await db.WaitForProjectionsAsync(client.Workspace);
                return await client.Get($"/api/incidents/{id}");
            },
            r => r.Status == 200 && done(r), TimeSpan.FromSeconds(30), r => $"incident {id}: {r.Status} {r.Text}");
}
