namespace Tracing.Bench;

/// <summary>
/// Issue 16's lag criterion over a soak (<c>--lag-runs N</c>): every run's probe p99 under 1 s and max under 2 s. One row
/// with how many runs met it and the worst run's figures, so a rare spike cannot hide in a median.
/// </summary>
public static class LagSoak
{
    public const double P99TargetMs = 1000;
    public const double MaxTargetMs = 2000;

    public static bool Meets(Row probe) =>
        probe.Metrics.GetValueOrDefault("timeouts") == 0
        && probe.Metrics.GetValueOrDefault("p99_ms", double.NaN) < P99TargetMs
        && probe.Metrics.GetValueOrDefault("max_ms", double.NaN) < MaxTargetMs;

    public static Row Summarise(IReadOnlyList<Row> probes)
    {
        double Worst(string key) => probes.Select(p => p.Metrics.GetValueOrDefault(key, double.NaN)).DefaultIfEmpty(double.NaN).Max();
        return new Row("lag.soak", new()
        {
            ["runs"] = probes.Count,
            ["runs_meeting_target"] = probes.Count(Meets),
            ["worst_p99_ms"] = Worst("p99_ms"),
            ["worst_max_ms"] = Worst("max_ms"),
            ["median_p50_ms"] = Latencies.Median(probes.Select(p => p.Metrics.GetValueOrDefault("p50_ms", double.NaN))),
            ["samples"] = probes.Sum(p => p.Metrics.GetValueOrDefault("samples")),
            ["timeouts"] = probes.Sum(p => p.Metrics.GetValueOrDefault("timeouts")),
            ["highwater_skips"] = probes.Sum(p => p.Metrics.GetValueOrDefault("highwater_skips")),
        });
    }
}
