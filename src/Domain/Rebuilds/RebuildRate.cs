namespace Tracing.Domain.Rebuilds;

/// <summary>Rate and ETA of a rebuild from two observations of its progress. Pure.</summary>
public static class RebuildRate
{
    public static (double PerSecond, double? EtaSeconds) Estimate(long processed, long target, TimeSpan elapsed, long startedAt)
    {
        var done = Math.Max(0, processed - startedAt);
        var perSecond = elapsed.TotalSeconds <= 0 ? 0 : done / elapsed.TotalSeconds;
        var left = Math.Max(0, target - processed);
        double? eta = left == 0 ? 0 : perSecond <= 0 ? null : left / perSecond;
        return (Math.Round(perSecond, 1), eta is null ? null : Math.Round(eta.Value, 1));
    }
}
