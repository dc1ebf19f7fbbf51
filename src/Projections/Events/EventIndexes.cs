using Npgsql;

namespace Tracing.Projections.Events;

/// <summary>
/// Marten has no way to declare an index over event data or a partial index on its events table, so we add two
/// ourselves; Marten's migrations are told to ignore both (IgnoreIndex).
/// <list type="bullet">
/// <item><see cref="TraceSeqName"/>: a unique index on (tenant, stream, payload seq) for trace events (ADR 0003). It makes replay
/// reads by seq index-backed and makes a duplicate seq in one session impossible at the database level.</item>
/// <item><see cref="OtherEventsName"/>: the positions of every event that is not a trace event (ADR 0045). The async shards
/// that never read trace events (analyses, incidents) load ranges with <c>type = any(...)</c>; PostgreSQL proves that
/// filter implies this index's predicate and reads the few rows the range holds, instead of every trace event's row in
/// it. Trace events, nearly all of the log, get no entry, so the append does not maintain it.</item>
/// </list>
/// </summary>
public static class EventIndexes
{
    public const string TraceSeqName = "ix_trace_event_seq";
    public const string OtherEventsName = "ix_other_events_seq";

    public static string Ddl(string schema) =>
        $"create unique index if not exists {TraceSeqName} on {schema}.mt_events " +
        $"(tenant_id, stream_id, ((data ->> 'seq')::bigint)) where type = '{StoreSetup.TraceEventAlias}';\n" +
        $"create index if not exists {OtherEventsName} on {schema}.mt_events (seq_id) where type <> '{StoreSetup.TraceEventAlias}';";

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string schema, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(Ddl(schema));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
