namespace Tracing.Bench.Soak;

/// <summary>What the load saw since the last sample; the sampler swaps it for a fresh one each interval.</summary>
public sealed class SoakWindow
{
    public Latencies Appends { get; } = new();
    public Latencies Lag { get; } = new();
    public long Events;
    public long AppendFailures;
    public long Rejected429;
    public long SseDelivered;
    public long SseReconnects;
    public long Analyses;
    public long IncidentChanges;

    public void Append(double ms, int events) { lock (Appends) Appends.Add(ms); Interlocked.Add(ref Events, events); }
    public void LagSeen(double ms) { lock (Lag) Lag.Add(ms); }
}

/// <summary>The current window, swapped atomically by the sampler.</summary>
public sealed class SoakWindows
{
    private SoakWindow _current = new();
    public SoakWindow Current => Volatile.Read(ref _current);
    public SoakWindow Swap() => Interlocked.Exchange(ref _current, new SoakWindow());
}
