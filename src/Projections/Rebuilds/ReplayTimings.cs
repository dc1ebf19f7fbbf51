using System.Diagnostics;

namespace Tracing.Projections.Rebuilds;

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
