using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tracing.Bench;

/// <summary>
/// --profile: listens to Npgsql's ActivitySource in this process (the API and the bench share it) and sums the
/// time of each distinct SQL statement per phase, i.e. a poor man's pg_stat_statements from the client side.
/// </summary>
public sealed partial class SqlProfiler : IDisposable
{
    private readonly ActivityListener _listener;
    private ConcurrentDictionary<int, Entry> _entries = new();
    private readonly ConcurrentDictionary<int, string> _texts = new();

    public sealed class Entry
    {
        public long Count;
        public long Ticks;
    }

    public SqlProfiler()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private void Record(Activity a)
    {
        // Keyed by a hash of the statement's start, normalised once per distinct statement, so that profiling
        // allocates next to nothing per command (it runs inside the process it measures).
        var sql = a.GetTagItem("db.query.text") as string ?? a.DisplayName;
        var key = string.GetHashCode(sql.AsSpan(0, Math.Min(sql.Length, 400)));
        _texts.TryAdd(key, sql);
        var e = _entries.GetOrAdd(key, _ => new Entry());
        Interlocked.Increment(ref e.Count);
        Interlocked.Add(ref e.Ticks, a.Duration.Ticks);
    }

    /// <summary>Returns and clears what was recorded since the last call.</summary>
    public List<(string Sql, long Count, double TotalMs, double MeanMs)> Drain()
    {
        var old = Interlocked.Exchange(ref _entries, new ConcurrentDictionary<int, Entry>());
        return old.Select(kv => (Normalize(_texts[kv.Key]), kv.Value.Count, TimeSpan.FromTicks(kv.Value.Ticks).TotalMilliseconds,
                TimeSpan.FromTicks(kv.Value.Ticks).TotalMilliseconds / kv.Value.Count))
            .OrderByDescending(x => x.Item3).ToList();
    }

    private static string Normalize(string sql)
    {
        var s = Spaces().Replace(sql, " ").Trim();
        s = Values().Replace(s, "values (...)");
        return s.Length <= 160 ? s : s[..160] + "...";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"values \(\$1.*$", RegexOptions.IgnoreCase)]
    private static partial Regex Values();

    public void Dispose() => _listener.Dispose();
}
