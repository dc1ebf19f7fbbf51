namespace Tracing.Domain.Analysis;

/// <summary>
/// Total order on findings: critical step, detector, fingerprint, then label and summary so even two findings
/// that share all three keys never depend on the order the detectors produced them in. All ordinal.
/// </summary>
public sealed class FindingOrder : IComparer<Finding>
{
    public static readonly FindingOrder Instance = new();

    public int Compare(Finding? x, Finding? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var c = x.CriticalStep.CompareTo(y.CriticalStep);
        if (c == 0) c = string.CompareOrdinal(x.Detector, y.Detector);
        if (c == 0) c = string.CompareOrdinal(x.Fingerprint, y.Fingerprint);
        if (c == 0) c = string.CompareOrdinal(x.Label, y.Label);
        if (c == 0) c = string.CompareOrdinal(x.Summary, y.Summary);
        return c;
    }
}
