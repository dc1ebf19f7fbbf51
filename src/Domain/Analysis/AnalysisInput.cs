using Tracing.Domain.Events;

namespace Tracing.Domain.Analysis;

/// <summary>
/// What every detector sees: the session's events in seq order, its declarations and the thresholds, plus
/// tool indexes built once so detectors stay linear on long sessions. The dictionaries are lookups only;
/// nothing is ever enumerated from them, so their ordering cannot leak into results.
/// A response or result that carries its request or call (ADR 0034) is seen as the two events it stands for: the
/// carried part comes just before it, with the same seq, so every detector reads it as a separate request or call
/// and every seq it reports is a stored event's.
/// </summary>
public sealed class AnalysisInput
{
    private readonly string?[] toolAt;
    private readonly long[] position;
    private readonly Dictionary<string, List<int>> indexesByTool = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> callIndexById = new(StringComparer.Ordinal);

    public AnalysisInput(IReadOnlyList<TraceEventRecorded> eventsInSeqOrder, SessionContext context, DetectorSettings settings)
    {
        var expanded = new List<TraceEventRecorded>(eventsInSeqOrder.Count);
        var positions = new List<long>(eventsInSeqOrder.Count);
        long carried = 0;
        foreach (var e in eventsInSeqOrder)
        {
            if (CarriedParts.Of(e) is { } part)
            {
                expanded.Add(part);
                positions.Add(e.Seq + carried++);
            }
            expanded.Add(e);
            positions.Add(e.Seq + carried);
        }
        Events = expanded;
        position = positions.ToArray();
        Context = context;
        Settings = settings;
        toolAt = new string?[Events.Count];
        for (var i = 0; i < Events.Count; i++)
            if (Events[i].Type == EventTypes.ToolCall && EventFacts.Str(Events[i].Payload, "call_id") is { } id)
                callIndexById.TryAdd(id, i);
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i].Type is not (EventTypes.ToolCall or EventTypes.ToolResult)) continue;
            var tool = ResolveTool(Events[i]);
            toolAt[i] = tool;
            if (!indexesByTool.TryGetValue(tool, out var list)) indexesByTool[tool] = list = [];
            list.Add(i);
        }
    }

    public const string UnknownTool = "(unknown)";

    /// <summary>The stored events in seq order, each carried request or call just before the event that carries it.</summary>
    public IReadOnlyList<TraceEventRecorded> Events { get; }

    /// <summary>
    /// Where the event at <paramref name="index"/> would sit had every carried part been stored as its own event:
    /// its seq plus the carried parts before it. Equals the seq when nothing is carried. Detectors that measure
    /// distance in events (windows) use it, so a session reads the same whichever way its calls were written.
    /// </summary>
    public long Position(int index) => position[index];

    public SessionContext Context { get; }

    public DetectorSettings Settings { get; }

    /// <summary>The tool of the tool.call / tool.result at <paramref name="index"/>; null for other events.</summary>
    public string? ToolAt(int index) => toolAt[index];

    /// <summary>Indexes (ascending) of the tool.call and tool.result events of one tool that come after <paramref name="index"/>.</summary>
    public IEnumerable<int> ToolEventsAfter(string tool, int index)
    {
        if (!indexesByTool.TryGetValue(tool, out var list)) yield break;
        var at = list.BinarySearch(index);
        for (var k = at >= 0 ? at + 1 : ~at; k < list.Count; k++) yield return list[k];
    }

    /// <summary>Index of the tool.call with this call_id, if it came before <paramref name="before"/>.</summary>
    public int? CallIndex(string? callId, int before) =>
        callId is not null && callIndexById.TryGetValue(callId, out var i) && i < before ? i : null;

    // A result that omits "tool" borrows it from its call.
    private string ResolveTool(TraceEventRecorded e) =>
        EventFacts.Str(e.Payload, "tool")
        ?? (CallIndex(EventFacts.Str(e.Payload, "call_id"), int.MaxValue) is { } c ? EventFacts.Str(Events[c].Payload, "tool") : null)
        ?? UnknownTool;
}
