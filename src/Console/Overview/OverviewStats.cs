using System.Globalization;

namespace Tracing.WebConsole.Overview;

/// <summary>One row of GET /api/stats (group_by=hour|day), the fields the overview charts.</summary>
public sealed record StatsRow(
    string? Key, long Sessions, long SessionsEnded, long SessionsFailed, double? SessionErrorRate, long Events, long Errors,
    double? ErrorRate, StepStats Llm, StepStats Tool, long InputTokens, long OutputTokens, decimal CostUsd, decimal ComputedCostUsd);

public sealed record StepStats(long Calls, long Errors, double? ErrorRate, LatencyView LatencyMs);

public sealed record LatencyView(long Count, double? P50, double? P95, double? P99);

public sealed record StatsAnswer(DateTimeOffset Since, DateTimeOffset Until, string GroupBy, List<StatsRow> Data);

/// <summary>One time bucket of the overview; a bucket the stats API has no row for is an empty one. Pure.</summary>
public sealed record Bucket(DateTimeOffset Start, StatsRow? Row)
{
    public long Sessions => Row?.Sessions ?? 0;
    public long Failed => Row?.SessionsFailed ?? 0;
    public double ErrorRate => Row?.SessionErrorRate ?? 0;
    public double LlmP50 => Row?.Llm.LatencyMs.P50 ?? 0;
    public double LlmP95 => Row?.Llm.LatencyMs.P95 ?? 0;
    public long Tokens => (Row?.InputTokens ?? 0) + (Row?.OutputTokens ?? 0);
    public decimal Cost => Row?.CostUsd ?? 0;
}

public static class OverviewStats
{
    /// <summary>The buckets from <paramref name="from"/> in steps of <paramref name="step"/> (an hour or a day), each with its stats row.</summary>
    public static IReadOnlyList<Bucket> Buckets(IEnumerable<StatsRow> rows, DateTimeOffset from, TimeSpan step, int count)
    {
        var byKey = rows.Where(r => r.Key is not null).ToDictionary(r => r.Key!, StringComparer.Ordinal);
        return Enumerable.Range(0, count).Select(i =>
        {
            var start = from + step * i;
            return new Bucket(start, byKey.GetValueOrDefault(Key(start, step)));
        }).ToList();
    }

    /// <summary>The stats API's key of a bucket: <c>2026-11-27T10:00:00Z</c> for hours, <c>2026-11-27</c> for days.</summary>
    public static string Key(DateTimeOffset start, TimeSpan step) =>
        start.UtcDateTime.ToString(step == TimeSpan.FromHours(1) ? "yyyy-MM-dd'T'HH':00:00Z'" : "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
