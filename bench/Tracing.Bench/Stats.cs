namespace Tracing.Bench;

/// <summary>Latency samples in milliseconds; percentiles by nearest rank.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];
    private double[]? _sorted;

    public int Count => _ms.Count;

    public void Add(double ms) { _ms.Add(ms); _sorted = null; }

    public void AddRange(Latencies other) { _ms.AddRange(other._ms); _sorted = null; }

    public double Percentile(double p)
    {
        if (_ms.Count == 0) return double.NaN;
        _sorted ??= _ms.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    public double Max => _ms.Count == 0 ? double.NaN : _ms.Max();

    public static double Median(IEnumerable<double> values)
    {
        var a = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (a.Length == 0) return double.NaN;
        return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
    }
}

/// <summary>Things that went wrong (non-2xx, count mismatches, timeouts). Any entry fails a --smoke run.</summary>
public sealed class Failures
{
    private readonly List<string> _items = [];
    private int _total;

    public int Count => Volatile.Read(ref _total);
    public IReadOnlyList<string> Items { get { lock (_items) return _items.ToList(); } }

    public void Add(string what)
    {
        Interlocked.Increment(ref _total);
        lock (_items) if (_items.Count < 50) _items.Add(what);
    }
}
