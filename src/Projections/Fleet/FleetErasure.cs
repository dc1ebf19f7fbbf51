using JasperFx.Events;
using Marten;
using Tracing.Domain.Events;
using Tracing.Domain.Fleet;
using Tracing.Domain.Sessions;

namespace Tracing.Projections.Fleet;

/// <summary>
/// Takes one erased session out of the fleet read model (search and stats, ADR 0019): its search rows, its fold
/// state, and its share of the rollups and latency bins. The share is computed by folding the session's events again
/// with the projection's own pure fold (same events, same prices, same answer) and subtracted with the projection's
/// additive upserts; rows left at zero are removed, so no agent, model or tool name of the session stays as a stats
/// key. Callers fold every page of the session's events through <see cref="Fold"/> before <see cref="QueueRemoval"/>,
/// and call it only once the daemon has projected the whole stream (ADR 0033), so what is subtracted is what was added.
/// </summary>
public sealed class FleetErasure(string schema, PriceTable prices, string tenant, string streamKey)
{
    private readonly RollupBatch _share = new();
    private FleetSession? _state;

    public void Fold(IEnumerable<IEvent> page)
    {
        foreach (var e in page)
            switch (e.Data)
            {
                case SessionStarted started:
                    _state = FleetFold.Start(streamKey, started, tenant, _share);
                    break;
                case TraceEventRecorded recorded:
                    _state ??= new FleetSession { Id = streamKey, ProjectId = streamKey.Split('/')[0], SessionId = recorded.SessionId };
                    FleetFold.Apply(_state, recorded, tenant, e.Sequence, prices, _share);
                    break;
            }
    }

    public void QueueRemoval(IDocumentOperations ops, string projectId, string sessionId)
    {
        ops.QueueSqlCommand($"delete from {schema}.{FleetTables.Search} where tenant_id = ? and project_id = ? and session_id = ?",
            tenant, projectId, sessionId);
        if (_share.Rows.Count > 0)
        {
            var negated = new RollupBatch();
            foreach (var (key, counts) in _share.Rows) negated.Rows[key] = Negate(counts);
            FleetWrites.QueueRollups(ops, schema, negated);
            ops.QueueSqlCommand(
                $"delete from {schema}.{FleetTables.Rollups} where tenant_id = ? and project_id = ? and sessions = 0 and " +
                "sessions_ended = 0 and sessions_failed = 0 and events = 0 and errors = 0 and llm_calls = 0 and llm_errors = 0 and " +
                "tool_calls = 0 and tool_errors = 0 and input_tokens = 0 and output_tokens = 0 and cost_usd = 0 and computed_cost_usd = 0",
                tenant, projectId);
            ops.QueueSqlCommand($"delete from {schema}.{FleetTables.Latency} where tenant_id = ? and project_id = ? and count = 0",
                tenant, projectId);
        }
        ops.Delete<FleetSession>(streamKey);
    }

    private static RollupCounts Negate(RollupCounts c)
    {
        var n = new RollupCounts
        {
            Sessions = -c.Sessions, SessionsEnded = -c.SessionsEnded, SessionsFailed = -c.SessionsFailed, Events = -c.Events,
            Errors = -c.Errors, LlmCalls = -c.LlmCalls, LlmErrors = -c.LlmErrors, ToolCalls = -c.ToolCalls,
            ToolErrors = -c.ToolErrors, InputTokens = -c.InputTokens, OutputTokens = -c.OutputTokens, CostUsd = -c.CostUsd,
            ComputedCostUsd = -c.ComputedCostUsd,
        };
        foreach (var (b, k) in c.LlmLatency) n.LlmLatency[b] = -k;
        foreach (var (b, k) in c.ToolLatency) n.ToolLatency[b] = -k;
        return n;
    }
}
