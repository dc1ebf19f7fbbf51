using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Events;

[Collection(ApiCollection.Name)]
public sealed class ConcurrentAppends(AppFixture app)
{
    [Fact]
    public async Task concurrent_appenders_never_store_a_seq_regression_or_a_double_write()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();

        // 8 writers race over overlapping seq ranges; whatever wins, storage order must be strictly increasing.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var replies = new List<Reply>();
            for (var round = 0; round < 10; round++)
            {
                var start = round * 20 + (w % 4) * 5 + 1;
                replies.Add(await client.Append(id, Enumerable.Range(start, 5).Select(s => Ev(s, key: $"k{s}")).ToArray()));
            }
            return replies;
        }));
        var all = (await Task.WhenAll(writers)).SelectMany(r => r).ToList();

        // A lost race is never a 500 (ADR 0003): every reply is a batch result that accounts for all 5 events.
        Assert.All(all, r =>
        {
            Assert.True(r.Status is 200 or 409, $"{r.Status} {r.Text}");
            Assert.Equal(5, r.Body.GetProperty("accepted").GetInt32() + r.Body.GetProperty("duplicates").GetInt32()
                + r.Body.GetProperty("rejected").GetArrayLength());
        });
        var stored = await Database.StoredSeqsAsync(client.Workspace, client.Project, id);
        Assert.Equal(stored.Count, all.Sum(r => r.Body.GetProperty("accepted").GetInt32()));
        Assert.NotEmpty(stored);
        Assert.Equal(stored.Distinct().Count(), stored.Count);
        Assert.True(stored.Zip(stored.Skip(1)).All(p => p.First < p.Second), "seq must increase in storage order: " + string.Join(",", stored));
        var replayed = (await client.ReadAll(id)).Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(stored, replayed);
    }

    [Fact]
    public async Task racing_retries_of_the_same_batch_store_it_exactly_once()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        object[] batch = Enumerable.Range(1, 50).Select(s => Ev(s)).ToArray();

        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => client.Append(id, batch))));

        Assert.All(replies, r => Assert.Equal(200, r.Status));
        Assert.Equal(50, replies.Sum(r => r.Body.GetProperty("accepted").GetInt32()));
        Assert.Equal(50 * 5, replies.Sum(r => r.Body.GetProperty("duplicates").GetInt32()));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task racing_identical_creates_make_one_session()
    {
        var client = await app.NewClientAsync();
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => client.Post("/api/traces", new { id = "race", agent = "x" }))));
        Assert.Single(replies, r => r.Status == 201);
        Assert.All(replies, r => Assert.Contains(r.Status, new[] { 200, 201 }));
        var streams = await Database.QueryAsync($"select count(*) from {AppFixture.Schema}.mt_streams where tenant_id = $1 and id <> 'mt_tombstone'",
            r => r.GetInt64(0), client.Workspace);
        Assert.Equal(1, streams[0]);
    }
}
