using Npgsql;

namespace Tracing.Projections.Events;

/// <summary>
/// Marten has no way to declare an index over event data, so we add one ourselves (ADR 0003):
/// a unique index on (tenant, stream, payload seq) for trace events. It makes replay reads by seq
/// index-backed and makes a duplicate seq in one session impossible at the database level.
/// Marten's migrations are told to ignore it (IgnoreIndex).
/// </summary>
public static class TraceEventIndex
{
    public const string Name = "ix_trace_event_seq";

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string schema, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            $"create unique index if not exists {Name} on {schema}.mt_events " +
            $"(tenant_id, stream_id, ((data ->> 'seq')::bigint)) where type = '{StoreSetup.TraceEventAlias}'");
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
