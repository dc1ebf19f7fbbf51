using System.Diagnostics;

namespace Tracing.Projections.Rebuilds;

/// <summary>What a replay from the log did: where it ended, how much it read, and the busy time of each step.</summary>
public sealed record ReplayReport(long Position, long Events, int Pages, TimeSpan Elapsed, TimeSpan Reading, TimeSpan Parsing,
    TimeSpan Applying, TimeSpan Writing)
{
    /// <summary>Bytes this process allocated while the replay ran (every thread's, so a rough figure on a busy node).</summary>
    public long Allocated { get; init; }

    /// <summary>Time the process spent paused for garbage collection while the replay ran.</summary>
    public TimeSpan GcPauses { get; init; }

    public override string ToString() =>
        $"{Events:N0} events in {Pages:N0} pages up to {Position:N0} in {Elapsed.TotalSeconds:F2} s (busy: reading {Reading.TotalSeconds:F2} s, " +
        $"parsing {Parsing.TotalSeconds:F2} s, applying {Applying.TotalSeconds:F2} s, writing {Writing.TotalSeconds:F2} s; " +
        $"allocated {Allocated / Math.Max(1, Events):N0} B an event, GC pauses {GcPauses.TotalSeconds:F2} s)";
}
