using Npgsql;
using Tracing.Domain.Search;
using Tracing.Projections.Databases;

namespace Tracing.Projections.Fleet;

/// <summary>One search hit: the indexed facts of an event and where it lives (session and seq).</summary>
public sealed record SearchHit(
    string SessionId, string ProjectId, long Seq, long Position, string Type, DateTimeOffset? Ts, DateTimeOffset ReceivedAt,
    string? Agent, string? Tool, string? Model, string? Provider, string? ErrorType, string? FinishReason, string? SpanId,
    string? ParentSpanId, long? InputTokens, long? OutputTokens, decimal? Cost, bool CostComputed, double? DurationMs, bool IsError);

/// <summary>Runs a checked search against the fleet index of one workspace (ADR 0019).</summary>
public sealed class SearchReader(WorkspaceDatabases databases, TracingStoreSettings settings)
{
    public async Task<(List<SearchHit> Hits, bool HasMore)> SearchAsync(string tenant, SearchQuery q, CancellationToken ct)
    {
        await using var cmd = SearchSql.Build(databases.For(tenant), settings.Schema, tenant, q);
        var hits = new List<SearchHit>(q.Limit + 1);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            hits.Add(new SearchHit(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6),
                Str(r, 7), Str(r, 8), Str(r, 9), Str(r, 10), Str(r, 11), Str(r, 12), Str(r, 13), Str(r, 14),
                r.IsDBNull(15) ? null : r.GetInt64(15), r.IsDBNull(16) ? null : r.GetInt64(16),
                r.IsDBNull(17) ? null : r.GetDecimal(17), r.GetBoolean(18), r.IsDBNull(19) ? null : r.GetDouble(19), r.GetBoolean(20)));
        var more = hits.Count > q.Limit;
        if (more) hits.RemoveAt(hits.Count - 1);
        return (hits, more);
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
