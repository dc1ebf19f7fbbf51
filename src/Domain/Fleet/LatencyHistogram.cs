namespace Tracing.Domain.Fleet;

/// <summary>
/// Log-bucketed latency histogram (the DDSketch mapping, ADR 0019): bucket 0 holds [0, 1) ms, bucket i >= 1 holds
/// [γ^(i-1), γ^i) ms with γ = 1.04, up to <see cref="Buckets"/> - 1 (values above ~1.8 h land in the last bucket).
/// Buckets add, so hourly rollups merge exactly; a percentile is the nearest-rank bucket's representative value
/// 2γ^i/(γ+1), within ±1.96 % of the exact nearest-rank value.
/// </summary>
public static class LatencyHistogram
{
    public const double Gamma = 1.04;
    public const int Buckets = 400;
    public static readonly double RelativeError = (Gamma - 1) / (Gamma + 1);
    private static readonly double LogGamma = Math.Log(Gamma);

    public static int Bucket(double ms)
    {
        if (double.IsNaN(ms) || ms < 1) return 0;
        var i = 1 + (int)Math.Floor(Math.Log(ms) / LogGamma);
        return Math.Clamp(i, 1, Buckets - 1);
    }

    /// <summary>The value reported for a bucket: 0 for [0, 1) ms, else the point of least relative error.</summary>
    public static double Representative(int bucket) =>
        bucket <= 0 ? 0 : 2 * Math.Pow(Gamma, bucket) / (Gamma + 1);

    /// <summary>
    /// The nearest-rank p-quantile (rank ⌈p·n⌉ of the sorted values) read from bucket counts, as its bucket's representative.
    /// Null for an empty histogram.
    /// </summary>
    public static double? Percentile(IReadOnlyDictionary<int, long> counts, double p)
    {
        var n = counts.Values.Sum();
        if (n == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(p * n));
        long seen = 0;
        foreach (var (bucket, count) in counts.OrderBy(kv => kv.Key))
        {
            seen += count;
            if (seen >= rank) return Representative(bucket);
        }
        return Representative(counts.Keys.Max());
    }
}
