namespace Tracing.Bench.Soak;

/// <summary>
/// The trend rules of ADR 0030: a figure fails when its end (median of the last fifth of the samples) exceeds its
/// start (median of the first fifth, after the first sample's warm-up) by more than the ratio AND by more than the
/// absolute slack (small figures are noisy on a shared machine: 2 ms to 4 ms is not a trend). Pure.
/// </summary>
public static class SoakTrends
{
    public sealed record Rule(string Figure, string Unit, Func<SoakSample, double> Read, double Ratio, double Slack);

    public sealed record Check(string Figure, string Unit, double Start, double End, double Ratio, double Slack, bool Passed)
    {
        public string Describe() =>
            $"{Figure}: start {Start:0.##} {Unit}, end {End:0.##} {Unit} ({(Start > 0 ? $"{End / Start:0.00}x" : "n/a")}; " +
            $"tolerance {RatioText} or +{Slack:0.##} {Unit}) {(Passed ? "ok" : "TRENDS")}";
        private string RatioText => $"{Ratio:0.##}x";
    }

    public static readonly Rule[] Rules =
    [
        new("append_p50_ms", "ms", s => s.AppendP50Ms, 1.5, 5),
        new("append_p99_ms", "ms", s => s.AppendP99Ms, 2.0, 50),
        new("lag_p50_ms", "ms", s => s.LagP50Ms, 2.0, 250),
        new("rss_mb", "MB", s => s.RssMb, 1.25, 64),
        new("gc_heap_mb", "MB", s => s.GcHeapMb, 1.5, 64),
        new("dead_tuples", "rows", s => s.DeadTuples, 2.0, 20_000),
        new("oldest_xmin_age", "xids", s => s.OldestXminAge, 3.0, 2_000),
        new("connections", "", s => s.Connections, 1.0, 5),
    ];

    /// <summary>Samples per end: a fifth of the run, at least 2 (never more than half of the samples after the first).</summary>
    public static int Span(int samples) => Math.Clamp((samples - 1) / 5, 2, Math.Max(2, (samples - 1) / 2));

    public static List<Check> Evaluate(IReadOnlyList<SoakSample> samples)
    {
        var usable = samples.Skip(1).ToList(); // the first window includes JIT and cache warm-up
        var k = Span(samples.Count);
        var checks = new List<Check>();
        if (usable.Count < 2) return checks;
        foreach (var rule in Rules)
        {
            var start = Latencies.Median(usable.Take(k).Select(rule.Read));
            var end = Latencies.Median(usable.TakeLast(k).Select(rule.Read));
            var passed = double.IsNaN(start) || double.IsNaN(end) || end <= start * rule.Ratio || end <= start + rule.Slack;
            checks.Add(new Check(rule.Figure, rule.Unit, start, end, rule.Ratio, rule.Slack, passed));
        }
        return checks;
    }
}
