using Tracing.Domain.Events;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// What followed one failed tool result: later calls of the same tool are retries, until one of its results
/// succeeds. "Same tool" is by name only; arguments may differ, since a fixed-up retry is still a retry.
/// </summary>
public sealed record ToolRetryChain(IReadOnlyList<long> FailedResults, int Retries, long? RecoveredAt, IReadOnlyList<long> Evidence)
{
    public static ToolRetryChain Follow(AnalysisInput input, int failureIndex, string tool)
    {
        var events = input.Events;
        var failure = events[failureIndex];
        var failed = new List<long> { failure.Seq };
        var evidence = new List<long> { failure.Seq };
        // The call the failed result answers gives a reader the arguments that failed.
        if (input.CallIndex(EventFacts.Str(failure.Payload, "call_id"), failureIndex) is { } call) evidence.Add(events[call].Seq);

        var retries = 0;
        foreach (var j in input.ToolEventsAfter(tool, failureIndex))
        {
            var e = events[j];
            evidence.Add(e.Seq);
            if (e.Type == EventTypes.ToolCall) { retries++; continue; }
            if (!EventFacts.IsError(e)) return new(failed, retries, e.Seq, evidence);
            failed.Add(e.Seq);
        }
        return new(failed, retries, null, evidence);
    }
}
