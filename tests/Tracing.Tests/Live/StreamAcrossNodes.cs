using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Live;

[Collection(ApiCollection.Name)]
public sealed class StreamAcrossNodes(AppFixture app)
{
    [Fact]
    public async Task an_event_appended_through_node_a_reaches_a_client_on_node_b()
    {
        await using var nodeB = await StreamNodes.StartAsync(heartbeatSeconds: 1);
        var client = await app.NewClientAsync();   // node A is the shared fixture host
        var id = await client.CreateSession();

        await using var sse = await SseClient.OpenAsync(nodeB.Server.CreateClient(), $"/api/stream?session_id={id}", client.Token);
        await client.Append(id, Ev(1), Ev(2), Ev(3));
        Assert.Equal([1L, 2L, 3L], (await sse.TakeAsync(3)).Select(m => m.Seq));

        // Quiet stream: node B keeps the connection alive with comment heartbeats (1 s here). Waits for two of them
        // (however long a busy machine takes) and requires that nothing else was sent meanwhile.
        var meanwhile = await sse.UntilCommentsAsync(2, TimeSpan.FromSeconds(30));
        Assert.Empty(meanwhile);
        Assert.False(sse.Ended);
    }

    [Fact]
    public async Task a_slow_consumer_is_cut_off_and_resumes_without_loss()
    {
        await using var nodeB = await StreamNodes.StartAsync(bufferSize: 16);
        var http = nodeB.Server.CreateClient();
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();

        await using var slow = await SseClient.OpenAsync(http, $"/api/stream?session_id={id}", client.Token);
        for (var start = 1; start <= 400; start += 100)
            await client.Append(id, Enumerable.Range(start, 100).Select(i => Ev(i)).ToArray());

        // It never read while 400 events went by: the server must have ended its stream rather than buffer them all.
        var received = await slow.TakeAsync(400, allowEnd: true);
        Assert.True(slow.Ended, "the server cut the slow consumer off");
        Assert.True(received.Count < 400);

        var (rest, _) = await StreamNodes.CollectAsync(http, $"/api/stream?session_id={id}", client.Token,
            400 - received.Count, lastEventId: received.Count > 0 ? received[^1].Id : "0");
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), received.Concat(rest).Select(m => m.Seq));
    }
}
