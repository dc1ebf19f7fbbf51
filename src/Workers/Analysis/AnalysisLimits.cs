using Marten;
using Npgsql;
using Tracing.Projections;

namespace Tracing.Workers.Analysis;

/// <summary>
/// <c>Tracing:Analysis:*</c>: the detectors see a session's events at once, so analysis and regression replays load a
/// session only when it is within these bounds (events, and bytes as stored); a larger one is refused with a clear
/// reason, never an out-of-memory.
/// </summary>
public sealed class AnalysisLimits
{
    public int MaxSessionEvents { get; set; } = 50_000;
    public long MaxSessionBytes { get; set; } = 256L * 1024 * 1024;

    public string Describe() => $"at most {MaxSessionEvents} events and {MaxSessionBytes / (1024 * 1024)} MiB as stored";
}

/// <summary>Measures a session stream in the database (count and stored size), without loading its events.</summary>
public sealed class SessionSize(Tracing.Projections.Databases.WorkspaceDatabases databases, TracingStoreSettings settings, AnalysisLimits limits)
{
    public AnalysisLimits Limits => limits;

    public async Task<bool> WithinLimitsAsync(string tenant, string streamKey, CancellationToken ct)
    {
        await using var cmd = databases.For(tenant).CreateCommand(
            $"select count(*), coalesce(sum(pg_column_size(data)), 0)::bigint from {settings.Schema}.mt_events " +
            "where tenant_id = $1 and stream_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamKey });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return r.GetInt64(0) <= limits.MaxSessionEvents && r.GetInt64(1) <= limits.MaxSessionBytes;
    }
}
