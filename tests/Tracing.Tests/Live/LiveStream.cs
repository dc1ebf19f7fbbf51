using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Domain.Access;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Live;

[Collection(ApiCollection.Name)]
public sealed class LiveStream(AppFixture app)
{
    private HttpClient Http => app.Host.Server.CreateClient();

    private static void AssertContiguous(IReadOnlyList<SseMessage> messages, int expected)
    {
        Assert.Equal(Enumerable.Range(1, expected).Select(i => (long)i), messages.Select(m => m.Seq));
        var ids = messages.Select(m => long.Parse(m.Id!)).ToList();
        Assert.True(ids.Zip(ids.Skip(1)).All(p => p.First < p.Second), "ids strictly increase");
    }

    [Fact]
    public async Task backfill_then_live_has_no_gap_or_duplicate_at_the_seam_under_concurrent_appends()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Enumerable.Range(1, 50).Select(i => Ev(i)).ToArray());

        var writer = Task.Run(async () =>
        {
            for (var start = 51; start <= 300; start += 10)
                await client.Append(id, Enumerable.Range(start, 10).Select(i => Ev(i)).ToArray());
        });
        var (messages, _) = await StreamNodes.CollectAsync(Http, "/api/stream?after_seq=0&types=event.appended", client.Token, 300);
        await writer;

        AssertContiguous(messages, 300);
    }

    /// <summary>Waits (deadline 30 s) until the node's stream hub has followed past the session's last stored event.</summary>
    private async Task HubPassedAsync(TestClient client, string id)
    {
        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        await using var query = store.QuerySession(client.Workspace);
        var last = (await query.Events.FetchStreamAsync(Tracing.Domain.Sessions.SessionIds.StreamKey(client.Project, id))).Max(e => e.Sequence);
        var hub = app.Host.Services.GetRequiredService<Tracing.Api.Live.StreamHub>();
        var database = await app.Host.Services.GetRequiredService<Tracing.Projections.Databases.WorkspaceDatabases>()
            .NameForAsync(client.Workspace, default);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (hub.PositionOf(database) < last && DateTime.UtcNow < deadline) await Task.Delay(20); // poll with a deadline
        Assert.True(hub.PositionOf(database) >= last, "the hub followed past the appended events");
    }

    [Fact]
    public async Task a_workspace_stream_without_a_cursor_starts_live_and_its_first_id_resumes_it_exactly()
    {
        // ADR 0042: no history for a cursorless workspace or project stream, and an id before any message, so an
        // EventSource that drops before its first message still resumes with nothing missed.
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Ev(1), Ev(2), Ev(3));
        await HubPassedAsync(client, id);

        string opened;
        await using (var first = await SseClient.OpenAsync(Http, "/api/stream?types=event.appended", client.Token))
            opened = await first.UntilEventIdAsync(TimeSpan.FromSeconds(10));
        await client.Append(id, Ev(4), Ev(5));
        await using (var resumed = await SseClient.OpenAsync(Http, "/api/stream?types=event.appended", client.Token, lastEventId: opened))
            Assert.Equal([4L, 5L], (await resumed.TakeAsync(2)).Select(m => m.Seq));

        await using var project = await SseClient.OpenAsync(Http, $"/api/stream?project_id={client.Project}&types=event.appended", client.Token);
        await project.UntilEventIdAsync(TimeSpan.FromSeconds(10));
        await client.Append(id, Ev(6));
        Assert.Equal([6L], (await project.TakeAsync(1)).Select(m => m.Seq));

        // A session stream without a cursor still starts at the session's first event.
        await using var session = await SseClient.OpenAsync(Http, $"/api/stream?session_id={id}", client.Token);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), (await session.TakeAsync(6)).Select(m => m.Seq));
    }

    [Fact]
    public async Task events_the_hub_passed_while_nobody_listened_are_served_by_backfill_then_live_exactly_once()
    {
        // With no connection on a database the hub moves its position past new events without reading them; a connection
        // opened afterwards starts there and gets the passed events from the store.
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Enumerable.Range(1, 30).Select(i => Ev(i)).ToArray());
        await HubPassedAsync(client, id);

        await using var stream = await SseClient.OpenAsync(Http, $"/api/stream?session_id={id}&after_seq=0", client.Token);
        var backfilled = await stream.TakeAsync(30);
        await client.Append(id, Enumerable.Range(31, 10).Select(i => Ev(i)).ToArray());
        var live = await stream.TakeAsync(10);
        AssertContiguous([.. backfilled, .. live], 40);
    }

    [Fact]
    public async Task position_n_plus_1_committing_before_n_never_opens_a_gap_at_the_seam_across_sessions()
    {
        // Concurrent writers on several sessions make commits land out of position order (a transaction holding
        // position N commits after N+1). Each round opens the global stream while they write, so backfill, the
        // hub's high-water mark and the live tail meet at a seam that moves under concurrent commits.
        const int sessions = 4, batches = 6, perBatch = 5;
        for (var round = 0; round < 6; round++)
        {
            var client = await app.NewClientAsync();
            var ids = new List<string>();
            for (var s = 0; s < sessions; s++) ids.Add(await client.CreateSession());
            foreach (var id in ids) await client.Append(id, Enumerable.Range(1, 5).Select(i => Ev(i)).ToArray());

            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = ids.Select(id => Task.Run(async () =>
            {
                await go.Task;
                for (var b = 0; b < batches; b++)
                {
                    var start = 6 + b * perBatch;
                    var reply = await client.Append(id, Enumerable.Range(start, perBatch).Select(i => Ev(i)).ToArray());
                    Assert.Equal(200, reply.Status);
                }
            })).ToList();
            const int total = sessions * (5 + batches * perBatch);
            var collecting = StreamNodes.CollectAsync(Http, "/api/stream?after_seq=0&types=event.appended", client.Token, total, timeoutSeconds: 60);
            go.SetResult();
            var (messages, _) = await collecting;
            await Task.WhenAll(writers);

            var ids2 = messages.Select(m => long.Parse(m.Id!)).ToList();
            Assert.True(ids2.Zip(ids2.Skip(1)).All(p => p.First < p.Second), $"round {round}: positions strictly increase");
            foreach (var group in messages.GroupBy(m => m.Json.GetProperty("session_id").GetString()))
                Assert.Equal(Enumerable.Range(1, 5 + batches * perBatch).Select(i => (long)i), group.Select(m => m.Seq));
            Assert.Equal(sessions, messages.Select(m => m.Json.GetProperty("session_id").GetString()).Distinct().Count());
        }
    }

    [Fact]
    public async Task a_client_served_further_elsewhere_gets_nothing_twice_when_this_node_delivers_the_older_events_live()
    {
        // The client saw seqs up to 8 from another node; this node has not delivered 6..8 yet (they commit after the
        // client connects), so its backfill is empty and 6..8 arrive live: the seam must skip them, not resend them.
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Enumerable.Range(1, 5).Select(i => Ev(i)).ToArray());

        await using var sse = await SseClient.OpenAsync(Http, $"/api/stream?session_id={id}", client.Token, lastEventId: "8");
        Assert.Equal(200, sse.Status);
        await client.Append(id, Enumerable.Range(6, 5).Select(i => Ev(i)).ToArray());

        Assert.Equal([9L, 10L], (await sse.TakeAsync(2)).Select(m => m.Seq));
    }

    [Fact]
    public async Task reconnecting_with_last_event_id_or_after_seq_resumes_exactly_in_both_cursor_modes()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Enumerable.Range(1, 40).Select(i => Ev(i)).ToArray());

        // Global cursor: ids are positions.
        await using (var first = await SseClient.OpenAsync(Http, "/api/stream?types=event.appended&after_seq=0", client.Token))
        {
            Assert.Equal(200, first.Status);
            var head = await first.TakeAsync(15);
            await using var resumed = await SseClient.OpenAsync(Http, "/api/stream?types=event.appended&after_seq=0", client.Token, lastEventId: head[^1].Id);
            Assert.Equal(Enumerable.Range(16, 25).Select(i => (long)i), (await resumed.TakeAsync(25)).Select(m => m.Seq));
            await using var byQuery = await SseClient.OpenAsync(Http, $"/api/stream?types=event.appended&after_seq={head[^1].Id}", client.Token);
            Assert.Equal(16, (await byQuery.TakeAsync(1))[0].Seq);
        }

        // Session cursor: ids are the session's seq.
        await using var session = await SseClient.OpenAsync(Http, $"/api/stream?session_id={id}&after_seq=33", client.Token);
        var tail = await session.TakeAsync(7);
        Assert.Equal(Enumerable.Range(34, 7).Select(i => (long)i), tail.Select(m => m.Seq));
        Assert.Equal(tail.Select(m => m.Seq.ToString()), tail.Select(m => m.Id));
        await using var bySeqHeader = await SseClient.OpenAsync(Http, $"/api/stream?session_id={id}", client.Token, lastEventId: "38");
        Assert.Equal([39L, 40L], (await bySeqHeader.TakeAsync(2)).Select(m => m.Seq));
        await client.Append(id, Ev(41));
        Assert.Equal(41, (await bySeqHeader.TakeAsync(1))[0].Seq);
    }

    [Fact]
    public async Task the_stream_never_shows_another_workspaces_or_projects_events()
    {
        var mine = await app.NewClientAsync(project: "alpha");
        var sibling = await app.NewClientAsync(workspace: mine.Workspace, project: "beta");
        var stranger = await app.NewClientAsync(project: "alpha");
        var mySession = await mine.CreateSession("same-id");
        var siblingSession = await sibling.CreateSession("same-id");
        await stranger.CreateSession("same-id");

        await using var sse = await SseClient.OpenAsync(Http, "/api/stream?after_seq=0", mine.Token);
        Assert.Equal(200, sse.Status);
        await sibling.Append(siblingSession, Ev(1, payload: new { who = "sibling" }));
        await stranger.Append("same-id", Ev(1, payload: new { who = "stranger" }));
        await mine.Append(mySession, Ev(1, payload: new { who = "mine" }), Ev(2, payload: new { who = "mine" }));

        var got = await sse.TakeAsync(2);
        Assert.Equal(2, got.Count);
        Assert.All(got, m => Assert.Equal("mine", m.Json.GetProperty("payload").GetProperty("who").GetString()));

        await using (var refused = await SseClient.OpenAsync(Http, "/api/stream?project_id=beta", mine.Token))
        {
            Assert.Equal(404, refused.Status);
            // A refused stream can never pass as "no messages": the helper throws instead of returning an empty list.
            await Assert.ThrowsAsync<InvalidOperationException>(() => refused.TakeAsync(1));
        }
        Assert.Equal(404, (await SseClient.OpenAsync(Http, "/api/stream?session_id=nope", mine.Token)).Status);
        Assert.Equal(401, (await SseClient.OpenAsync(Http, "/api/stream", null)).Status);
        Assert.Equal(422, (await SseClient.OpenAsync(Http, "/api/stream?after_seq=-4", mine.Token)).Status);
    }

    [Fact]
    public async Task session_updated_follows_status_changes()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await using var sse = await SseClient.OpenAsync(Http, "/api/stream?types=session.updated&after_seq=0", client.Token);
        Assert.Equal(200, sse.Status);
        Assert.Equal("active", (await sse.TakeAsync(1, "session.updated"))[0].Json.GetProperty("status").GetString());
        await client.Append(id, Ev(1, "session.ended", new { status = "error" }));
        var update = (await sse.TakeAsync(1, "session.updated"))[0];
        Assert.Equal("failed", update.Json.GetProperty("status").GetString());
        Assert.Equal(id, update.Json.GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task the_stream_is_text_event_stream_with_a_retry_hint()
    {
        var client = await app.NewClientAsync();
        await client.CreateSession();
        await using var sse = await SseClient.OpenAsync(Http, "/api/stream?after_seq=0", client.Token);
        Assert.Equal(200, sse.Status);
        Assert.Equal("text/event-stream", sse.ContentType);
        await sse.TakeAsync(1, "session.updated");
        Assert.Equal(2000, sse.Retry);
    }

    [Fact]
    public async Task tickets_work_once_and_expired_or_reused_tickets_are_401()
    {
        var client = await app.NewClientAsync();
        await client.CreateSession();
        var issued = await client.Post("/api/stream/tickets", "{}");
        Assert.Equal(200, issued.Status);
        var ticket = issued.Body.GetProperty("ticket").GetString()!;

        await using (var sse = await SseClient.OpenAsync(Http, $"/api/stream?after_seq=0&ticket={ticket}", null))
        {
            Assert.Equal(200, sse.Status);
            Assert.Single(await sse.TakeAsync(1, "session.updated"));
        }
        Assert.Equal(401, (await SseClient.OpenAsync(Http, $"/api/stream?ticket={ticket}", null)).Status);

        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        const string expired = "stk_0000000000000000000000000000000000000000000000ff";
        await using (var s = store.LightweightSession())
        {
            s.Store(new StreamTicket
            {
                Id = ApiKeyFormat.Hash(expired), WorkspaceId = client.Workspace, ProjectId = client.Project,
                Actor = "test", Scopes = ["traces:read"], ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1),
            });
            await s.SaveChangesAsync();
        }
        Assert.Equal(401, (await SseClient.OpenAsync(Http, $"/api/stream?ticket={expired}", null)).Status);
        Assert.Equal(401, (await SseClient.OpenAsync(Http, "/api/stream?ticket=stk_forged", null)).Status);
    }

    [Fact]
    public async Task two_concurrent_redemptions_of_one_ticket_let_exactly_one_in()
    {
        var client = await app.NewClientAsync();
        await client.CreateSession();
        for (var round = 0; round < 5; round++)
        {
            var ticket = (await client.Post("/api/stream/tickets", "{}")).Body.GetProperty("ticket").GetString()!;
            var streams = await Race.AllAtOnceAsync(4, _ => SseClient.OpenAsync(Http, $"/api/stream?after_seq=0&ticket={ticket}", null));
            try
            {
                Assert.Equal([200, 401, 401, 401], streams.Select(s => s.Status).Order());
                Assert.Single(await streams.Single(s => s.Status == 200).TakeAsync(1, "session.updated"));
            }
            finally
            {
                foreach (var s in streams) await s.DisposeAsync();
            }
        }
    }
}
