using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Events;

[Collection(ApiCollection.Name)]
public sealed class AppendingEvents(AppFixture app)
{
    [Fact]
    public async Task a_single_event_is_201_then_200_as_a_duplicate_then_409_on_conflict()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        var url = $"/api/traces/{id}/events";

        var first = await client.Post(url, Ev(1, "tool.call", new { tool = "search", args = new { q = "x" } }));
        Assert.Equal(201, first.Status);
        Assert.Equal(1, first.Body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, first.Body.GetProperty("last_seq").GetInt64());

        var retry = await client.Post(url, Ev(1, "tool.call", new { tool = "search", args = new { q = "x" } }));
        Assert.Equal(200, retry.Status);
        Assert.Equal(0, retry.Body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, retry.Body.GetProperty("duplicates").GetInt32());

        var changed = await client.Post(url, Ev(1, "tool.call", new { tool = "other" }));
        Assert.Equal(409, changed.Status);
        Assert.Equal("application/problem+json", changed.ContentType);
        Assert.Equal("conflict", changed.Body.GetProperty("rejected")[0].GetProperty("code").GetString());

        var invalid = await client.Post(url, new { seq = 0, type = "log" });
        Assert.Equal(422, invalid.Status);
        Assert.Equal("invalid", invalid.Body.GetProperty("rejected")[0].GetProperty("code").GetString());

        Assert.Equal([1L], await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task a_mixed_batch_accepts_the_valid_events_and_reports_each_rejection()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Ev(5));

        var reply = await client.Append(id,
            Ev(6),
            new { seq = "seven", type = "log" },
            Ev(3),
            new { seq = 8, type = "no.such.type" },
            Ev(9, key: "k9"),
            Ev(10, key: "k9"));

        Assert.Equal(200, reply.Status);
        Assert.Equal(2, reply.Body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, reply.Body.GetProperty("duplicates").GetInt32());
        Assert.Equal(9, reply.Body.GetProperty("last_seq").GetInt64());
        var rejected = reply.Body.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("code").GetString()))
            .ToList();
        Assert.Equal([(1, "invalid"), (2, "conflict"), (3, "invalid"), (5, "conflict")], rejected);
        var monotonic = reply.Body.GetProperty("rejected")[1];
        Assert.Equal("seq must be monotonic for this session", monotonic.GetProperty("reason").GetString());
        Assert.Equal($"{id}:3", monotonic.GetProperty("idempotency_key").GetString());
        Assert.Equal(3, monotonic.GetProperty("seq").GetInt64());

        Assert.Equal([5L, 6L, 9L], await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task an_out_of_order_batch_is_stored_and_replayed_in_seq_order()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        var reply = await client.Append(id, Ev(3), Ev(1), Ev(2));
        Assert.Equal(3, reply.Body.GetProperty("accepted").GetInt32());

        var events = await client.ReadAll(id);
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal([1L, 2L, 3L], await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task a_retried_batch_is_all_duplicates_and_stored_once()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        object[] batch = [Ev(1), Ev(2, "llm.response", new { content = "hi", usage = new { input_tokens = 3 } }), Ev(3)];

        Assert.Equal(3, (await client.Append(id, batch)).Body.GetProperty("accepted").GetInt32());
        var retry = await client.Append(id, batch);
        Assert.Equal(200, retry.Status);
        Assert.Equal(0, retry.Body.GetProperty("accepted").GetInt32());
        Assert.Equal(3, retry.Body.GetProperty("duplicates").GetInt32());
        Assert.Equal(0, retry.Body.GetProperty("rejected").GetArrayLength());

        var partlyNew = await client.Append(id, Ev(3), Ev(4));
        Assert.Equal(1, partlyNew.Body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, partlyNew.Body.GetProperty("duplicates").GetInt32());
        Assert.Equal([1L, 2L, 3L, 4L], await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task a_duplicate_key_with_different_content_or_a_reused_seq_is_a_conflict()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Ev(1, key: "a"), Ev(2, key: "b"));

        var reply = await client.Append(id, Ev(1, "error", key: "a"), Ev(2, key: "c"));
        Assert.Equal(409, reply.Status);
        Assert.Equal(["conflict", "conflict"],
            reply.Body.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.Equal([1L, 2L], await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task a_key_reused_at_a_higher_seq_is_a_conflict_found_by_the_database()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Ev(1, key: "k"), Ev(2, key: $"{id}:7"));

        // Both are above the last seq, so the first attempt skips the key lookup; the unique event-id index
        // rejects the commit and the retry classifies them.
        var reused = await client.Append(id, Ev(5, key: "k"), Ev(7), Ev(8));
        Assert.Equal(200, reused.Status);
        Assert.Equal(1, reused.Body.GetProperty("accepted").GetInt32());
        Assert.Equal([0, 1], reused.Body.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(reused.Body.GetProperty("rejected").EnumerateArray(), r => Assert.Equal("conflict", r.GetProperty("code").GetString()));
        Assert.Equal([1L, 2L, 8L], await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task a_batch_of_only_invalid_events_is_422_and_stores_nothing()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        var reply = await client.Append(id, new { type = "log" }, new { seq = 1 }, new { seq = 2, type = "log", payload = "text" });
        Assert.Equal(422, reply.Status);
        Assert.Equal(3, reply.Body.GetProperty("rejected").GetArrayLength());
        Assert.Empty(await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task gaps_are_allowed_and_counted_and_session_ended_sets_the_status()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id,
            Ev(1, "llm.response", new { content = "a", usage = new { input_tokens = 10, output_tokens = 4, cost_usd = 0.25 } }),
            Ev(4, "tool.result", new { tool = "t", ok = false, error = new { type = "Timeout", message = "slow" } }),
            Ev(5, "llm.response", new { content = "b", usage = new { input_tokens = 7, output_tokens = 1, cost_usd = 0.5 } }),
            Ev(9, "session.ended", new { status = "error", reason = "gave up" }));
        await app.WaitForProjectionsAsync();

        var session = (await client.Get($"/api/traces/{id}")).Body;
        Assert.Equal("failed", session.GetProperty("status").GetString());
        Assert.Equal("gave up", session.GetProperty("end_reason").GetString());
        Assert.Equal(4, session.GetProperty("event_count").GetInt64());
        Assert.Equal(9, session.GetProperty("last_seq").GetInt64());
        Assert.Equal(2, session.GetProperty("gap_count").GetInt64());
        Assert.Equal(1, session.GetProperty("error_count").GetInt64());
        Assert.Equal(17, session.GetProperty("input_tokens").GetInt64());
        Assert.Equal(5, session.GetProperty("output_tokens").GetInt64());
        Assert.Equal(0.75m, session.GetProperty("cost_usd").GetDecimal());
    }

    [Fact]
    public async Task unknown_sessions_and_other_projects_sessions_are_404()
    {
        var owner = await app.NewClientAsync();
        var other = await app.NewClientAsync();
        var id = await owner.CreateSession();
        Assert.Equal(404, (await owner.Append("missing", Ev(1))).Status);
        Assert.Equal(404, (await other.Append(id, Ev(1))).Status);
        Assert.Empty(await Database.StoredSeqsAsync(owner.Workspace, owner.Project, id));
    }

    [Fact]
    public async Task over_1000_events_or_an_oversized_body_is_413_and_stores_nothing()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        var tooMany = await client.Append(id, Enumerable.Range(1, 1001).Select(i => Ev(i)).ToArray());
        Assert.Equal(413, tooMany.Status);

        var huge = JsonSerializer.Serialize(new { seq = 1, type = "log", payload = new { blob = new string('x', 17 * 1024 * 1024) } });
        var tooBig = await client.Send("POST", $"/api/traces/{id}/events", huge, "application/json");
        Assert.Equal(413, tooBig.Status);
        Assert.Equal("application/problem+json", tooBig.ContentType);
        Assert.Empty(await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Theory]
    [InlineData("{\"seq\": 1, \"type\": \"log\"", 400)]
    [InlineData("{\"events\": {}}", 422)]
    [InlineData("{\"events\": []}", 422)]
    [InlineData("{\"seq\": 1, \"type\": \"log\", \"payload\": {\"s\": \"a\\u0000b\"}}", 422)]
    [InlineData("{\"seq\": 99999999999999999999, \"type\": \"log\"}", 422)]
    [InlineData("{\"seq\": 1.5, \"type\": \"log\"}", 422)]
    [InlineData("{\"seq\": 1, \"type\": \"session.ended\", \"payload\": {\"status\": \"exploded\"}}", 422)]
    [InlineData("{\"seq\": 1, \"type\": \"log\", \"ts\": \"not a time\"}", 422)]
    [InlineData("{\"seq\": 1, \"type\": \"llm.response\", \"payload\": {\"request\": \"gpt-4o\"}}", 422)]
    [InlineData("{\"seq\": 1, \"type\": \"tool.result\", \"payload\": {\"call\": {\"call_id\": 7}}}", 422)]
    public async Task bad_input_is_a_precise_4xx_and_stores_nothing(string body, int status)
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        var reply = await client.Send("POST", $"/api/traces/{id}/events", body, "application/json");
        Assert.Equal(status, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Empty(await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task unknown_fields_are_ignored_and_payloads_are_kept_as_sent()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        var reply = await client.Post($"/api/traces/{id}/events", """
            {"seq": 1, "type": "custom.thing", "extra": true, "ts": "2026-01-01T10:00:00+02:00",
             "span_id": "s1", "parent_span_id": "s0", "payload": {"nested": {"list": [1, "two", null]}, "n": 1.25}}
            """);
        Assert.Equal(201, reply.Status);
        var e = Assert.Single(await client.ReadAll(id));
        Assert.Equal("custom.thing", e.GetProperty("type").GetString());
        Assert.Equal("s1", e.GetProperty("span_id").GetString());
        Assert.Equal("s0", e.GetProperty("parent_span_id").GetString());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero), e.GetProperty("ts").GetDateTimeOffset());
        Assert.Equal("two", e.GetProperty("payload").GetProperty("nested").GetProperty("list")[1].GetString());
        Assert.Equal(1.25m, e.GetProperty("payload").GetProperty("n").GetDecimal());
        Assert.Equal($"{id}:1", e.GetProperty("idempotency_key").GetString());
        Assert.False(e.TryGetProperty("content_hash", out _));
        Assert.True(e.GetProperty("received_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }
}
