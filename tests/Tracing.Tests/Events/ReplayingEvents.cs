using Tracing.Projections.Events;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Events;

[Collection(ApiCollection.Name)]
public sealed class ReplayingEvents(AppFixture app)
{
    [Fact]
    public async Task pages_follow_after_seq_with_has_more_and_next_after_seq()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Enumerable.Range(1, 7).Select(i => Ev(i * 2)).ToArray());

        var first = await client.Get($"/api/traces/{id}/events?limit=3");
        Assert.Equal([2L, 4L, 6L], first.Body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.True(first.Body.GetProperty("has_more").GetBoolean());
        Assert.Equal(6, first.Body.GetProperty("next_after_seq").GetInt64());

        var middle = await client.Get($"/api/traces/{id}/events?after_seq=5&limit=10");
        Assert.Equal([6L, 8L, 10L, 12L, 14L], middle.Body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.False(middle.Body.GetProperty("has_more").GetBoolean());

        var end = await client.Get($"/api/traces/{id}/events?after_seq=14");
        Assert.Equal(0, end.Body.GetProperty("data").GetArrayLength());
        Assert.Equal(14, end.Body.GetProperty("next_after_seq").GetInt64());
    }

    [Fact]
    public async Task replay_order_never_depends_on_client_timestamps()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id,
            new { seq = 1, type = "log", ts = "2030-01-01T00:00:00Z" },
            new { seq = 2, type = "log", ts = "2001-01-01T00:00:00Z" },
            new { seq = 3, type = "log", ts = "2015-01-01T00:00:00Z" });
        Assert.Equal([1L, 2L, 3L], (await client.ReadAll(id)).Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=5001")]
    [InlineData("limit=abc")]
    [InlineData("after_seq=-1")]
    public async Task bad_paging_parameters_are_422(string query)
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        Assert.Equal(422, (await client.Get($"/api/traces/{id}/events?{query}")).Status);
    }

    [Fact]
    public async Task a_long_session_reads_back_complete_and_in_order_page_by_page()
    {
        const int total = 12_000;
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.AppendSeqs(id, total);

        var seqs = (await client.ReadAll(id, limit: 5000)).Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task a_replay_page_is_read_through_the_seq_index_not_by_scanning_the_stream()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.AppendSeqs(id, 3000);
        await Database.QueryAsync($"analyze {AppFixture.Schema}.mt_events", _ => 0);

        var plan = string.Join("\n", await Database.QueryAsync("explain " + EventLog.ReplaySql(AppFixture.Schema)
            .Replace("$1", $"'{client.Workspace}'").Replace("$2", $"'{client.Project}/{id}'").Replace("$3", "1500").Replace("$4", "500"),
            r => r.GetString(0)));
        // An index scan or a bitmap scan of our index (then a top-N sort of at most the page) depending on statistics;
        // never a scan of the table or of the whole stream.
        Assert.Contains(EventIndexes.TraceSeqName, plan);
        Assert.DoesNotContain("Seq Scan", plan);
    }
}
