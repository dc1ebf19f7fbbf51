using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Events;

/// <summary>
/// More writers on one session than the old optimistic loop had attempts (8): with the stream row locked for the
/// append (ADR 0027) they queue instead of losing races, so none is ever answered 500 or 503.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ManyWritersOneSession(AppFixture app)
{
    [Fact]
    public async Task sixteen_racing_retries_of_one_batch_store_it_once_and_all_succeed()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        object[] batch = Enumerable.Range(1, 20).Select(s => Ev(s)).ToArray();

        var replies = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => client.Append(id, batch))));

        Assert.All(replies, r => Assert.True(r.Status == 200, $"{r.Status} {r.Text}"));
        Assert.Equal(20, replies.Sum(r => r.Body.GetProperty("accepted").GetInt32()));
        Assert.Equal(20 * 15, replies.Sum(r => r.Body.GetProperty("duplicates").GetInt32()));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), await Database.StoredSeqsAsync(client.Workspace, client.Project, id));
    }

    [Fact]
    public async Task sixteen_single_event_writers_are_each_accepted_or_refused_as_not_monotonic()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();

        var replies = await Task.WhenAll(Enumerable.Range(1, 16).Select(s => Task.Run(() => client.Append(id, Ev(s)))));

        Assert.All(replies, r => Assert.True(r.Status is 200 or 409, $"{r.Status} {r.Text}"));
        var stored = await Database.StoredSeqsAsync(client.Workspace, client.Project, id);
        Assert.Equal(replies.Sum(r => r.Status == 200 ? r.Body.GetProperty("accepted").GetInt32() : 0), stored.Count);
        Assert.True(stored.Zip(stored.Skip(1)).All(p => p.First < p.Second), "seq must increase in storage order: " + string.Join(",", stored));
        Assert.All(replies.Where(r => r.Status == 409), r => Assert.Contains("monotonic", r.Text));
    }
}
