using Tracing.Domain.Sessions;
using Tracing.Domain.Events;
using static Tracing.Domain.Analysis.Summaries;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// A failed tool result (<c>ok: false</c> or an <c>error</c> object), labelled by what the agent did next.
/// Consecutive failures of the same tool are one finding: the retries belong to the first failure's story.
/// </summary>
public sealed class ToolErrorDetector : IDetector
{
    public const string CarriedOn = "carried_on";
    public const string RecoveredByRetry = "recovered_by_retry";
    public const string RetriesExhausted = "retries_exhausted";
    public const string EndedAfterFailure = "ended_after_failure";

    public string Name => "tool_error";

    public IEnumerable<Finding> Detect(AnalysisInput input)
    {
        var events = input.Events;
        var endedOk = events.Any(e => SessionEnd.EndsWith(e, SessionEnd.Ok));
        var lastActivity = LastActivityIndex(events);
        var consumed = new HashSet<long>();

        for (var i = 0; i < events.Count; i++)
        {
            var failure = events[i];
            if (failure.Type != EventTypes.ToolResult || !EventFacts.IsError(failure) || consumed.Contains(failure.Seq)) continue;
            var tool = input.ToolAt(i)!;
            var chain = ToolRetryChain.Follow(input, i, tool);
            foreach (var s in chain.FailedResults) consumed.Add(s);

            var (label, confidence) =
                chain.RecoveredAt is not null ? (RecoveredByRetry, 0.4m)
                : chain.Retries > 0 ? (RetriesExhausted, 0.9m)
                : lastActivity > i ? (CarriedOn, endedOk ? 0.95m : 0.85m)
                : (EndedAfterFailure, 0.8m);

            var error = ErrorInfo.Of(failure)!;
            yield return new Finding(Name, label, confidence, failure.Seq, chain.Evidence.ToArray(),
                Fingerprint.Of(Name, tool, error.TypeKey, FingerprintNormalizer.Normalize(error.Message)),
                Inv($"Tool \"{tool}\" failed at seq {failure.Seq} ({Describe(error)}); ") + Outcome(label, chain, endedOk));
        }
    }

    private static string Outcome(string label, ToolRetryChain chain, bool endedOk) => label switch
    {
        RecoveredByRetry => Inv($"a retry succeeded at seq {chain.RecoveredAt}."),
        RetriesExhausted => Inv($"{chain.Retries} retr{(chain.Retries == 1 ? "y" : "ies")} also failed."),
        CarriedOn => endedOk ? "the agent carried on without retrying and ended the session as ok." : "the agent carried on without retrying.",
        _ => "the agent did nothing more after it.",
    };

    /// <summary>Index of the last event that shows the agent still working (thinking, acting or stepping).</summary>
    private static int LastActivityIndex(IReadOnlyList<TraceEventRecorded> events)
    {
        for (var i = events.Count - 1; i >= 0; i--)
            if (events[i].Type is EventTypes.LlmRequest or EventTypes.LlmResponse or EventTypes.ToolCall or EventTypes.AgentStep or EventTypes.Message)
                return i;
        return -1;
    }
}
