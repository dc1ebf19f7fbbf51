using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// Whether some process holds this installation's projection leadership, i.e. whether nodes are serving with the
/// daemon: the leader holds a beacon advisory lock (per schema) beside Marten's own locks. Read from pg_locks, so it
/// needs no node address.
/// </summary>
public static class LeadershipProbe
{
    public static async Task<bool> IsHeldAsync(NpgsqlDataSource dataSource, string schema, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select exists(select 1 from pg_locks where locktype = 'advisory' and granted and " +
            "(classid::bigint << 32 | objid::bigint) = $1 and objsubid = 1 " +
            "and database = (select oid from pg_database where datname = current_database()))");
        cmd.Parameters.Add(new NpgsqlParameter { Value = BeaconId(schema) });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The beacon's lock key: a per-schema id in the high half, so it never equals Marten's ids.</summary>
    public static long BeaconId(string schema) => ((long)StoreSetup.SchemaLockIdFor(schema) << 32) | 0x7EAC0;
}
