namespace Tracing.WebConsole.Overview;

/// <summary>One time bucket of the overview: counts and percentiles over the sessions created in it. Pure.</summary>
public sealed record Bucket(DateTimeOffset Start, int Sessions, int Failed, double P50Seconds, double P95Seconds, long Tokens, decimal Cost)
{
    public double ErrorRate => Sessions == 0 ? 0 : (double)Failed / Sessions;
}

public static class OverviewStats
{
    /// <summary>Sessions bucketed by their creation time from <paramref name="from"/> in steps of <paramref name="step"/>.</summary>
    public static IReadOnlyList<Bucket> Buckets(IEnumerable<Client.SessionRow> sessions, DateTimeOffset from, TimeSpan step, int count)
    {
        var groups = sessions.Where(s => s.CreatedAt >= from)
            .GroupBy(s => (int)((s.CreatedAt - from).Ticks / step.Ticks))
            .ToDictionary(g => g.Key, g => g.ToList());
        return Enumerable.Range(0, count).Select(i =>
        {
            var list = groups.GetValueOrDefault(i) ?? [];
            var durations = list.Where(s => s.Duration is not null).Select(s => s.Duration!.Value.TotalSeconds).Order().ToList();
            return new Bucket(from + step * i, list.Count, list.Count(s => s.Status == "failed" || s.ErrorCount > 0),
                Percentile(durations, 0.50), Percentile(durations, 0.95),
                list.Sum(s => s.InputTokens + s.OutputTokens), list.Sum(s => s.CostUsd));
        }).ToList();
    }

    /// <summary>Nearest-rank percentile of sorted values (0 for none).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
