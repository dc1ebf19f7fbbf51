using Tracing.Domain.Events;
using static Tracing.Domain.Analysis.Summaries;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// The agent keeps issuing the same tool call: one call (same tool, same canonical arguments) repeated
/// back to back, or a short cycle of calls (A,B,A,B,A,B) repeated, at least <c>LoopThreshold</c> times.
/// Only tool calls count: the LLM turns between them are how an agent loops, not a break in the loop.
/// </summary>
public sealed class LoopDetector : IDetector
{
    public const string RepeatedCall = "repeated_call";
    public const string Cycle = "cycle";

    public string Name => "loop";

    public IEnumerable<Finding> Detect(AnalysisInput input)
    {
        var calls = new List<(TraceEventRecorded Event, string Tool, string Key)>();
        var canonical = new CanonicalJson();
        for (var i = 0; i < input.Events.Count; i++)
        {
            var e = input.Events[i];
            if (e.Type != EventTypes.ToolCall) continue;
            var tool = input.ToolAt(i)!;
            var args = Json.TryGet(e.Payload, "args", out var a) ? canonical.Text(a) : "null";
            calls.Add((e, tool, tool + "\n" + args));
        }

        var keys = calls.Select(c => c.Key).ToArray();
        var at = 0;
        while (at < calls.Count)
        {
            if (RepeatFinder.Find(keys, at, input.Settings.LoopMaxCycle, input.Settings.LoopThreshold) is not { } run)
            {
                at++;
                continue;
            }
            var span = calls.Skip(at).Take(run.Length * run.Repeats).ToList();
            var cycleTools = span.Take(run.Length).Select(c => c.Tool).ToArray();
            var label = run.Length == 1 ? RepeatedCall : Cycle;
            var what = run.Length == 1
                ? Inv($"Tool \"{cycleTools[0]}\" was called {run.Repeats} times in a row with identical arguments")
                : Inv($"The tool calls {string.Join(" -> ", cycleTools.Select(t => $"\"{t}\""))} repeated {run.Repeats} times with identical arguments");
            yield return new Finding(Name, label, Scores.Saturating(run.Repeats),
                span[run.Length].Event.Seq, span.Select(c => c.Event.Seq).ToArray(),
                Fingerprint.Of(Name, label, string.Join(">", cycleTools)),
                what + Inv($" (seq {span[0].Event.Seq} to {span[^1].Event.Seq})."));
            at += span.Count;
        }
    }
}
