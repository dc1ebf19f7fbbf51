using Marten;
using Tracing.Domain.Fleet;

namespace Tracing.Projections.Fleet;

/// <summary>
/// The projection's writes as one statement per table per batch: column arrays unnested server-side. Rollups and latency
/// bins add to what is stored (ON CONFLICT ... + excluded), so batches may touch the same hour in any number of steps.
/// </summary>
internal static class FleetWrites
{
    public static void QueueSearchRows(IDocumentOperations ops, string s, List<SearchRow> rows)
    {
        ops.QueueSqlCommand(
            $"insert into {s}.{FleetTables.Search} (tenant_id, project_id, session_id, seq, position, type, tool, model, provider, " +
            "error_type, finish_reason, agent, span_id, parent_span_id, input_tokens, output_tokens, cost, cost_computed, duration_ms, " +
            "ts, received_at, is_error) select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], " +
            "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], " +
            "?::numeric[], ?::boolean[], ?::float8[], ?::timestamptz[], ?::timestamptz[], ?::boolean[]) " +
            "on conflict (tenant_id, position) do nothing",
            rows.Select(r => r.Tenant).ToArray(), rows.Select(r => r.ProjectId).ToArray(), rows.Select(r => r.SessionId).ToArray(),
            rows.Select(r => r.Seq).ToArray(), rows.Select(r => r.Position).ToArray(), rows.Select(r => r.Type).ToArray(),
            rows.Select(r => r.Tool).ToArray(), rows.Select(r => r.Model).ToArray(), rows.Select(r => r.Provider).ToArray(),
            rows.Select(r => r.ErrorType).ToArray(), rows.Select(r => r.FinishReason).ToArray(), rows.Select(r => r.Agent).ToArray(),
            rows.Select(r => r.SpanId).ToArray(), rows.Select(r => r.ParentSpanId).ToArray(),
            rows.Select(r => r.InputTokens).ToArray(), rows.Select(r => r.OutputTokens).ToArray(), rows.Select(r => r.Cost).ToArray(),
            rows.Select(r => r.CostComputed).ToArray(), rows.Select(r => r.DurationMs).ToArray(),
            rows.Select(r => r.Ts?.ToUniversalTime()).ToArray(), rows.Select(r => r.ReceivedAt.ToUniversalTime()).ToArray(),
            rows.Select(r => r.IsError).ToArray());
    }

    public static void QueueRollups(IDocumentOperations ops, string s, RollupBatch batch)
    {
        var rows = batch.Rows.ToList();
        string[] counters = ["sessions", "sessions_ended", "sessions_failed", "events", "errors", "llm_calls", "llm_errors",
            "tool_calls", "tool_errors", "input_tokens", "output_tokens", "cost_usd", "computed_cost_usd"];
        ops.QueueSqlCommand(
            $"insert into {s}.{FleetTables.Rollups} as r (tenant_id, project_id, dim, key, hour, {string.Join(", ", counters)}) " +
            "select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[], " +
            "?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[], ?::numeric[]) " +
            "on conflict (tenant_id, project_id, dim, hour, key) do update set " +
            string.Join(", ", counters.Select(c => $"{c} = r.{c} + excluded.{c}")),
            rows.Select(r => r.Key.Tenant).ToArray(), rows.Select(r => r.Key.ProjectId).ToArray(), rows.Select(r => r.Key.Dim).ToArray(),
            rows.Select(r => r.Key.Key).ToArray(), rows.Select(r => r.Key.Hour).ToArray(),
            rows.Select(r => r.Value.Sessions).ToArray(), rows.Select(r => r.Value.SessionsEnded).ToArray(),
            rows.Select(r => r.Value.SessionsFailed).ToArray(), rows.Select(r => r.Value.Events).ToArray(),
            rows.Select(r => r.Value.Errors).ToArray(), rows.Select(r => r.Value.LlmCalls).ToArray(),
            rows.Select(r => r.Value.LlmErrors).ToArray(), rows.Select(r => r.Value.ToolCalls).ToArray(),
            rows.Select(r => r.Value.ToolErrors).ToArray(), rows.Select(r => r.Value.InputTokens).ToArray(),
            rows.Select(r => r.Value.OutputTokens).ToArray(), rows.Select(r => r.Value.CostUsd).ToArray(),
            rows.Select(r => r.Value.ComputedCostUsd).ToArray());

        var bins = rows.SelectMany(r =>
                r.Value.LlmLatency.Select(b => (r.Key, Kind: "llm", Bin: b.Key, Count: b.Value))
                    .Concat(r.Value.ToolLatency.Select(b => (r.Key, Kind: "tool", Bin: b.Key, Count: b.Value))))
            .ToList();
        if (bins.Count == 0) return;
        ops.QueueSqlCommand(
            $"insert into {s}.{FleetTables.Latency} as l (tenant_id, project_id, dim, key, hour, kind, bin, count) " +
            "select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::smallint[], ?::bigint[]) " +
            "on conflict (tenant_id, project_id, dim, hour, key, kind, bin) do update set count = l.count + excluded.count",
            bins.Select(b => b.Key.Tenant).ToArray(), bins.Select(b => b.Key.ProjectId).ToArray(), bins.Select(b => b.Key.Dim).ToArray(),
            bins.Select(b => b.Key.Key).ToArray(), bins.Select(b => b.Key.Hour).ToArray(), bins.Select(b => b.Kind).ToArray(),
            bins.Select(b => (short)b.Bin).ToArray(), bins.Select(b => b.Count).ToArray());
    }
}
