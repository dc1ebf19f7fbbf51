using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

/// <summary>Optimistic concurrency under a real race: two PATCHes carrying the same If-Match, sent at the same moment.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConcurrentTriage(AppFixture app)
{
    [Fact]
    public async Task two_patches_with_the_same_if_match_give_one_200_and_one_412_and_only_the_winner_is_stored()
    {
        var client = await app.NewClientAsync();
        var session = await client.AnalysedSessionAsync(ToolFailure());
        var id = (await client.IncidentForAsync(app, session, "tool_error")).GetProperty("id").GetString()!;

        var etag = (await client.Get($"/api/incidents/{id}")).Headers["ETag"];
        for (var round = 0; round < 6; round++)
        {
            string[] owners = ["alice", "bob"];
            var results = await Race.AllAtOnceAsync(2, async i =>
                (Owner: owners[i], Reply: await client.Patch(id, $"{{\"owner\":\"{owners[i]}-{round}\"}}", ifMatch: etag)));

            Assert.Equal([200, 412], results.Select(r => r.Reply.Status).Order());
            var winner = results.Single(r => r.Reply.Status == 200);
            var loser = results.Single(r => r.Reply.Status == 412);
            Assert.Equal("application/problem+json", loser.Reply.ContentType);
            Assert.Equal($"{winner.Owner}-{round}", winner.Reply.Body.GetProperty("owner").GetString());
            Assert.NotEqual(etag, winner.Reply.Headers["ETag"]);
            etag = winner.Reply.Headers["ETag"];
        }

        // Six rounds, six owner changes: the losers stored nothing (one incident event per round plus the detection).
        var stored = await client.WaitForIncidentAsync(app, id, i => i.GetProperty("etag").GetString() == etag);
        Assert.StartsWith("\"6-", etag);
        Assert.EndsWith("-5", stored.GetProperty("owner").GetString());
    }
}
