namespace Tracing.WebConsole.Replay;

/// <summary>A timeline row: the event and how deep its span sits in the span tree.</summary>
public sealed record TimelineRow(int Index, TraceEvent Event, int Depth);

/// <summary>
/// The replay timeline: rows in <c>seq</c> order (never re-sorted by client time), each indented by the depth of its
/// span (<c>span_id</c> / <c>parent_span_id</c>). Appends are idempotent and ordered: an event at or below the last
/// seq is a repeat (a resumed stream's overlap) and is ignored, so pages and live messages can meet without a
/// duplicate. Pure, so the nesting rules are unit-tested without a browser.
/// </summary>
public sealed class TimelineModel
{
    private const int MaxDepth = 32;
    private readonly List<TimelineRow> _rows = [];
    private readonly Dictionary<long, int> _indexBySeq = [];
    private readonly Dictionary<string, string?> _parentOf = new(StringComparer.Ordinal);

    public IReadOnlyList<TimelineRow> Rows => _rows;
    public long LastSeq { get; private set; }
    public int Count => _rows.Count;

    /// <summary>Adds events in order; returns how many were new.</summary>
    public int Add(IEnumerable<TraceEvent> events)
    {
        var added = 0;
        foreach (var e in events)
        {
            if (e.Seq <= LastSeq) continue;
            if (e.SpanId is not null && !_parentOf.ContainsKey(e.SpanId)) _parentOf[e.SpanId] = e.ParentSpanId;
            var depth = e.SpanId is not null ? SpanDepth(e.SpanId) : e.ParentSpanId is not null ? SpanDepth(e.ParentSpanId) + 1 : 0;
            _indexBySeq[e.Seq] = _rows.Count;
            _rows.Add(new TimelineRow(_rows.Count, e, depth));
            LastSeq = e.Seq;
            added++;
        }
        return added;
    }

    public int? IndexOf(long seq) => _indexBySeq.TryGetValue(seq, out var i) ? i : null;

    /// <summary>Ancestors of a span; a parent never seen as a span still counts as one level. Cycles stop at <see cref="MaxDepth"/>.</summary>
    private int SpanDepth(string span)
    {
        var depth = 0;
        var current = span;
        while (depth < MaxDepth && _parentOf.TryGetValue(current, out var parent) && parent is not null)
        {
            depth++;
            current = parent;
        }
        return depth;
    }

    /// <summary>
    /// Spans with a known start and end (client timestamps of their first and last event), for the waterfall. A response
    /// or result that carries its request or call starts its span at the carried part's <c>started_at</c>.
    /// </summary>
    public IReadOnlyList<SpanTiming> Spans()
    {
        var spans = new Dictionary<string, SpanTiming>(StringComparer.Ordinal);
        foreach (var row in _rows)
        {
            if (row.Event.SpanId is not { } id || row.Event.Ts is not { } ts) continue;
            var start = row.Event.Carried?.Ts is { } started && started < ts ? started : ts;
            spans[id] = spans.TryGetValue(id, out var s)
                ? s with { Start = start < s.Start ? start : s.Start, End = ts > s.End ? ts : s.End, Events = s.Events + 1 }
                : new SpanTiming(id, row.Depth, row.Event.Seq, row.Event.Type, start, ts, 1);
        }
        return spans.Values.OrderBy(s => s.FirstSeq).ToList();
    }
}

public sealed record SpanTiming(string SpanId, int Depth, long FirstSeq, string FirstType, DateTimeOffset Start, DateTimeOffset End, int Events)
{
    public TimeSpan Duration => End - Start;
}
