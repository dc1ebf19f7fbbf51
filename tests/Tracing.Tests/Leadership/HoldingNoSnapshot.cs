using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracing.Projections.Rebuilds;
using Tracing.Tests.Rebuilds;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Leadership;

/// <summary>
/// Issue 17 item 1 (ADR 0029): while a node leads, its leadership holds no snapshot, so VACUUM removes the dead row
/// versions that every append leaves behind (the session head row is rewritten per append).
/// </summary>
[Collection(RebuildCollection.Name)]
public sealed class HoldingNoSnapshot
{
    [Fact]
    public async Task vacuum_removes_the_dead_rows_of_sustained_appends_while_the_leader_holds_its_lock()
    {
        var schema = AppFixture.Schema + "_ld1";
        await RebuildNodes.ResetAsync(schema);
        await using var node = await LeadershipNodes.StartAsync(schema, new CapturedLogs());
        await RebuildNodes.LeaderAsync(node);
        var http = await RebuildNodes.KeyClientAsync(node, "ws-" + Guid.NewGuid().ToString("N")[..10]);

        // The measurement can fail: a session that pins a snapshot (what the old leadership did) keeps the dead versions.
        await using (var pin = new NpgsqlConnection(AppFixture.ConnectionString))
        {
            await pin.OpenAsync();
            await using var tx = await pin.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
            await using (var snap = new NpgsqlCommand("select count(*) from pg_class", pin, tx)) await snap.ExecuteScalarAsync();
            await LeadershipNodes.AppendAsync(http, "hot", 0, 100);
            var pinned = await LeaderSql.VacuumAsync(schema, "mt_doc_sessionhead");
            Assert.True(pinned.DeadNotRemovable >= 50, "a pinned snapshot should keep the dead versions:\n" + pinned.Text);
        }

        await LeadershipNodes.AppendAsync(http, "hot", 100, 300);
        await LeadershipNodes.ProjectedAsync(http, "hot", 400);

        // The leader holds its lock on an idle session with no transaction and no snapshot...
        var holder = Assert.Single(await LeaderSql.HoldersAsync(schema));
        Assert.Equal(LeaderSql.AppName, holder.ApplicationName);
        Assert.False(holder.InTransaction, $"the lock session is in a transaction ({holder.State})");
        Assert.Null(holder.BackendXmin);

        // ...so VACUUM removes every dead version (other tests' brief transactions may hold a few for a moment), and the
        // statistics agree: no dead tuple left in the table.
        var report = await Eventually.UntilAsync(async () => (Vacuum: await LeaderSql.VacuumAsync(schema, "mt_doc_sessionhead"), Dead: await DeadTuplesAsync(schema)),
            r => r.Vacuum.DeadNotRemovable == 0 && r.Dead == 0, TimeSpan.FromSeconds(30), r => $"n_dead_tup {r.Dead}; {r.Vacuum.Text}");
        Assert.Equal(0, report.Vacuum.DeadNotRemovable);
        Assert.True(await LeadershipProbe.IsHeldAsync(node.Services.GetRequiredService<NpgsqlDataSource>(), schema, default),
            "the leader no longer holds its lock");
        Assert.Same(node, await RebuildNodes.LeaderAsync(node));
    }

    private static async Task<long> DeadTuplesAsync(string schema)
    {
        await using var conn = new NpgsqlConnection(AppFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select n_dead_tup from pg_stat_user_tables where schemaname = $1 and relname = 'mt_doc_sessionhead'", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
