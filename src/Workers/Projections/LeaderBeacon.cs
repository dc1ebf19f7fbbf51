using Npgsql;
using Tracing.Projections;
using Tracing.Projections.Rebuilds;

namespace Tracing.Workers.Projections;

/// <summary>
/// While this node holds projection leadership it also holds a session advisory lock of its own (an idle connection,
/// no open transaction), so other processes (the CLI) can tell from pg_locks that a leader is serving without knowing
/// Marten's internal per-shard lock ids. See <see cref="LeadershipProbe"/>.
/// </summary>
public sealed class LeaderBeacon(NpgsqlDataSource dataSource, TracingStoreSettings settings) : IAsyncDisposable
{
    private NpgsqlConnection? _held;

    public async Task UpdateAsync(bool leader, CancellationToken ct)
    {
        if (leader == (_held is not null)) return;
        if (!leader) { await ReleaseAsync(); return; }
        var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock($1)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = LeadershipProbe.BeaconId(settings.Schema) });
        if ((bool)(await cmd.ExecuteScalarAsync(ct))!) _held = conn;
        else await conn.DisposeAsync(); // a previous leader still holds it; tried again on the next check
    }

    private async Task ReleaseAsync()
    {
        if (_held is null) return;
        // Unlock explicitly: a pooled connection goes back to the pool with its session (and session locks) alive.
        try
        {
            await using var cmd = new NpgsqlCommand("select pg_advisory_unlock($1)", _held);
            cmd.Parameters.Add(new NpgsqlParameter { Value = LeadershipProbe.BeaconId(settings.Schema) });
            await cmd.ExecuteScalarAsync();
        }
        catch (NpgsqlException) { } // the connection is gone, and the lock with it
        await _held.DisposeAsync();
        _held = null;
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());
}
