using Npgsql;
using Tracing.Domain.Fleet;

namespace Tracing.Projections.Fleet;

/// <summary>One group of a stats answer: summed rollup counters and merged latency bins.</summary>
public sealed record StatsGroup(string Key, RollupCounts Counts);

/// <summary>
/// Reads stats from the hourly rollups (ADR 0019): the work is proportional to hours × keys in the range, never to the
/// number of events. <c>group_by</c> agent|model|tool reads that dimension; day|hour read the "all" dimension by time.
/// </summary>
public sealed class StatsReader(Tracing.Projections.Databases.WorkspaceDatabases databases, TracingStoreSettings settings)
{
    public static readonly string[] GroupBys = ["agent", "model", "tool", "day", "hour"];

    public async Task<List<StatsGroup>> ReadAsync(string tenant, string? project, string groupBy, DateTimeOffset since,
        DateTimeOffset until, CancellationToken ct)
    {
        var s = settings.Schema;
        var (dim, key) = groupBy switch
        {
            "day" => (RollupDims.All, "to_char(hour at time zone 'UTC', 'YYYY-MM-DD')"),
            "hour" => (RollupDims.All, "to_char(hour at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24\":00:00Z\"')"),
            _ => (groupBy, "key"),
        };
        var where = $"tenant_id = $1 and dim = $2 and hour >= $3 and hour < $4{(project is null ? "" : " and project_id = $5")}";
        var groups = new Dictionary<string, RollupCounts>(StringComparer.Ordinal);

        await using (var cmd = Command(
                         $"select {key} as k, sum(sessions), sum(sessions_ended), sum(sessions_failed), sum(events), sum(errors), " +
                         "sum(llm_calls), sum(llm_errors), sum(tool_calls), sum(tool_errors), sum(input_tokens), sum(output_tokens), " +
                         $"sum(cost_usd), sum(computed_cost_usd) from {s}.{FleetTables.Rollups} where {where} group by k",
                         tenant, dim, since, until, project))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                groups[r.GetString(0)] = new RollupCounts
                {
                    Sessions = L(r, 1), SessionsEnded = L(r, 2), SessionsFailed = L(r, 3), Events = L(r, 4), Errors = L(r, 5),
                    LlmCalls = L(r, 6), LlmErrors = L(r, 7), ToolCalls = L(r, 8), ToolErrors = L(r, 9),
                    InputTokens = L(r, 10), OutputTokens = L(r, 11), CostUsd = r.GetDecimal(12), ComputedCostUsd = r.GetDecimal(13),
                };

        await using (var cmd = Command(
                         $"select {key} as k, kind, bin, sum(count) from {s}.{FleetTables.Latency} where {where} group by k, kind, bin",
                         tenant, dim, since, until, project))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                if (!groups.TryGetValue(r.GetString(0), out var g)) continue;
                var bins = r.GetString(1) == "llm" ? g.LlmLatency : g.ToolLatency;
                bins[r.GetInt16(2)] = L(r, 3);
            }

        return groups.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new StatsGroup(kv.Key, kv.Value)).ToList();
    }

    private static long L(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? 0 : (long)r.GetDecimal(i);

    private NpgsqlCommand Command(string sql, string tenant, string dim, DateTimeOffset since, DateTimeOffset until, string? project)
    {
        var cmd = databases.For(tenant).CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        cmd.Parameters.Add(new NpgsqlParameter { Value = dim });
        cmd.Parameters.Add(new NpgsqlParameter { Value = since.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = until.ToUniversalTime() });
        if (project is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = project });
        return cmd;
    }
}
