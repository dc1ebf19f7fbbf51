using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Tracing.Bench;

/// <summary>
/// --profile: the runtime's GC AllocationTick events (one per ~100 KB allocated, carrying the type that crossed the
/// threshold), counted by type per phase. A sampling allocation profile from inside the process, no tools needed.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private ConcurrentDictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword; AllocationTick is verbose
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames?.IndexOf("TypeName") is int t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames?.IndexOf("AllocationAmount64") is int a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }

    /// <summary>Returns and clears the sampled bytes by type since the last call, largest first.</summary>
    public List<(string Type, double Mb)> Drain()
    {
        var old = Interlocked.Exchange(ref _bytes, new ConcurrentDictionary<string, long>());
        return old.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, kv.Value / 1e6)).ToList();
    }
}
