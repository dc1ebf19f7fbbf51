using Npgsql;
using Tracing.Projections;
using Tracing.Projections.Rebuilds;

namespace Tracing.Workers.Projections;

/// <summary>
/// Projection leadership as one session-level advisory lock (ADR 0029) on a connection of its own that never opens a
/// transaction and runs only instant statements, so it carries no snapshot and never holds back the xmin horizon
/// (Marten's HotCold lock did: a transaction-scoped lock kept idle in transaction, plus a monitor's long pg_sleep).
/// The key is the per-schema beacon id, so <see cref="LeadershipProbe"/> sees the leader from any process.
/// </summary>
public sealed class LeaderLock(TracingStoreSettings settings) : IAsyncDisposable
{
    /// <summary>Seen in pg_stat_activity as the leader's lock session.</summary>
    public const string ApplicationName = "tracing-leader";

    // Unpooled: closing the connection ends the session, so the lock never survives in a pool, and a failed session
    // is dropped without touching the shared pool.
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString)
    {
        ConnectionStringBuilder = { Pooling = false, ApplicationName = ApplicationName, TcpKeepAlive = true },
    }.Build();
    private NpgsqlConnection? _held;

    public bool IsHeld => _held is not null;

    /// <summary>Takes the lock if no other session holds it; true when this node holds it afterwards.</summary>
    public async Task<bool> TryTakeAsync(CancellationToken ct)
    {
        if (_held is not null) return true;
        var conn = await _dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock($1)", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = LeadershipProbe.BeaconId(settings.Schema) });
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!) { _held = conn; return true; }
        }
        catch { await conn.DisposeAsync(); throw; }
        await conn.DisposeAsync();
        return false;
    }

    /// <summary>
    /// Whether the lock's session is still alive and still holds the lock (a terminated backend, a dropped network).
    /// One instant statement outside any transaction: no snapshot outlives it. A failed check forgets the connection.
    /// </summary>
    public async Task<bool> StillHeldAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_held is null) return false;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            await using var cmd = new NpgsqlCommand(
                "select exists(select 1 from pg_locks where locktype = 'advisory' and granted and pid = pg_backend_pid() " +
                "and (classid::bigint << 32 | objid::bigint) = $1 and objsubid = 1)", _held);
            cmd.Parameters.Add(new NpgsqlParameter { Value = LeadershipProbe.BeaconId(settings.Schema) });
            if ((bool)(await cmd.ExecuteScalarAsync(limit.Token))!) return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested) { }
        await ForgetAsync();
        return false;
    }

    public async Task ReleaseAsync()
    {
        if (_held is null) return;
        // Unlock first: releasing leadership on purpose must not wait for the session's end.
        try
        {
            await using var cmd = new NpgsqlCommand("select pg_advisory_unlock($1)", _held);
            cmd.Parameters.Add(new NpgsqlParameter { Value = LeadershipProbe.BeaconId(settings.Schema) });
            await cmd.ExecuteScalarAsync();
        }
        catch (NpgsqlException) { } // the connection is gone, and the lock with it
        await ForgetAsync();
    }

    private async Task ForgetAsync()
    {
        var conn = _held;
        _held = null;
        if (conn is not null) await conn.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await _dataSource.DisposeAsync();
    }
}
