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

/// <summary>Busy time per step of a replay, added to from the step's own task.</summary>
public sealed class ReplayTimings
{
    private long _reading, _parsing, _applying, _writing, _events;
    private int _pages;
    private readonly long _allocated = GC.GetTotalAllocatedBytes();
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();

    public void Read(long since, int events)
    {
        Interlocked.Add(ref _reading, Stopwatch.GetTimestamp() - since);
        Interlocked.Add(ref _events, events);
        Interlocked.Increment(ref _pages);
    }

    public void Parsed(long since) => Interlocked.Add(ref _parsing, Stopwatch.GetTimestamp() - since);
    public void Applied(long since) => Interlocked.Add(ref _applying, Stopwatch.GetTimestamp() - since);
    public void Written(long since) => Interlocked.Add(ref _writing, Stopwatch.GetTimestamp() - since);

    public ReplayReport Report(long position, long started) =>
        new(position, _events, _pages, Stopwatch.GetElapsedTime(started), Ticks(_reading), Ticks(_parsing), Ticks(_applying), Ticks(_writing))
        {
            Allocated = GC.GetTotalAllocatedBytes() - _allocated,
            GcPauses = GC.GetTotalPauseDuration() - _paused,
        };

    private static TimeSpan Ticks(long timestamps) => TimeSpan.FromSeconds((double)timestamps / Stopwatch.Frequency);
}
