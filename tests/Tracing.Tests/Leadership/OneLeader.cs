using Tracing.Tests.Rebuilds;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Leadership;

/// <summary>Issue 17 item 1 (ADR 0029): two nodes compete for leadership; exactly one leads, and a survivor takes over.</summary>
[Collection(RebuildCollection.Name)]
public sealed class OneLeader
{
    [Fact]
    public async Task two_nodes_keep_a_single_leader_and_a_new_one_takes_over_when_the_leader_dies()
    {
        var schema = AppFixture.Schema + "_ld2";
        await RebuildNodes.ResetAsync(schema);
        var logs = new CapturedLogs();
        var nodes = new List<LoopbackApi> { await LeadershipNodes.StartAsync(schema, logs), await LeadershipNodes.StartAsync(schema, logs) };
        try
        {
            var leader = await RebuildNodes.LeaderAsync([.. nodes]);
            var other = nodes.Single(n => n != leader);

            // Over ten more leadership checks of the follower (200 ms apart), sampled throughout: one leader and one lock
            // holder, never two.
            var from = LeadershipNodes.Checks(other);
            var samples = 0;
            await Eventually.UntilAsync(async () =>
            {
                Assert.True(LeadershipNodes.Leads(leader), "the leader lost leadership without a cause");
                Assert.False(LeadershipNodes.Leads(other), "two nodes lead at once");
                Assert.Single(await LeaderSql.HoldersAsync(schema));
                samples++;
                return LeadershipNodes.Checks(other) - from;
            }, checks => checks >= 10, TimeSpan.FromSeconds(30), checks => $"{checks} follower checks");
            Assert.True(samples >= 10, $"only {samples} samples");

            var http = await RebuildNodes.KeyClientAsync(other, "ws-" + Guid.NewGuid().ToString("N")[..10]);
            await LeadershipNodes.AppendAsync(http, "s", 0, 5);
            await LeadershipNodes.ProjectedAsync(http, "s", 5);

            // The leader's lock session dies (what a dropped link or a killed backend does): the leader notices and stops
            // its daemon, and a new lock session takes leadership (either node may win the race); projection goes on.
            var dead = Assert.Single(await LeaderSql.HoldersAsync(schema)).Pid;
            await LeaderSql.TerminateAsync(dead);
            var holders = await Eventually.UntilAsync(() => LeaderSql.HoldersAsync(schema),
                h => h.Count == 1 && h[0].Pid != dead && nodes.Count(LeadershipNodes.Leads) == 1, TimeSpan.FromSeconds(30),
                h => $"{h.Count} lock holder(s), {nodes.Count(LeadershipNodes.Leads)} node(s) leading");
            Assert.NotEqual(dead, Assert.Single(holders).Pid);
            await LeadershipNodes.AppendAsync(http, "s", 5, 5);
            await LeadershipNodes.ProjectedAsync(http, "s", 10);

            // The leading node goes away: the other one takes over, and projects what comes next.
            leader = nodes.Single(LeadershipNodes.Leads);
            var survivor = nodes.Single(n => n != leader);
            nodes.Remove(leader);
            await leader.DisposeAsync();
            await Eventually.UntilAsync(() => Task.FromResult(LeadershipNodes.Leads(survivor)), led => led, TimeSpan.FromSeconds(30),
                _ => "no take-over after the leader stopped");
            var fresh = await RebuildNodes.KeyClientAsync(survivor, "ws-" + Guid.NewGuid().ToString("N")[..10]);
            await LeadershipNodes.AppendAsync(fresh, "t", 0, 3);
            await LeadershipNodes.ProjectedAsync(fresh, "t", 3);
            Assert.Single(await LeaderSql.HoldersAsync(schema));
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
        }
    }
}
