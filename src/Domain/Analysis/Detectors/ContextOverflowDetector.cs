using Tracing.Domain.Events;
using static Tracing.Domain.Analysis.Summaries;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// The prompt no longer fits: an <c>llm.request</c> whose <c>input_tokens</c> reach the model's context window
/// (settings table, by model prefix), or any error that says so explicitly. An explicit error on the first
/// LLM response after an oversized request confirms that request's finding instead of making a second one.
/// </summary>
public sealed class ContextOverflowDetector : IDetector
{
    public const string InputExceedsWindow = "input_exceeds_window";
    public const string ContextLengthError = "context_length_error";

    public string Name => "context_overflow";

    public IEnumerable<Finding> Detect(AnalysisInput input)
    {
        var events = input.Events;
        var confirmations = new HashSet<int>(); // responses already reported as evidence of a request's finding
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (confirmations.Contains(i)) continue;
            if (e.Type == EventTypes.LlmRequest && Oversized(e, input.Settings) is { } over)
            {
                var confirmedBy = ConfirmingError(events, i);
                var evidence = confirmedBy is null ? new[] { e.Seq } : [e.Seq, events[confirmedBy.Value].Seq];
                yield return new Finding(Name, InputExceedsWindow, confirmedBy is null ? 0.9m : 0.99m, e.Seq, evidence,
                    Fingerprint.Of(Name, InputExceedsWindow, over.Prefix ?? "default"),
                    Inv($"LLM request at seq {e.Seq} sent {over.Tokens} input tokens to {over.Model ?? "an unnamed model"}, whose context window is {over.Window}")
                    + (confirmedBy is null ? "." : Inv($"; the provider rejected it at seq {events[confirmedBy.Value].Seq}.")));
                if (confirmedBy is not null) confirmations.Add(confirmedBy.Value);
                continue;
            }
            if (e.Type == EventTypes.LlmRequest || ErrorInfo.Of(e) is not { } err || !ErrorClass.IsContextLength(err)) continue;
            yield return new Finding(Name, ContextLengthError, 0.95m, e.Seq, [e.Seq],
                Fingerprint.Of(Name, ContextLengthError, err.TypeKey, FingerprintNormalizer.Normalize(err.Message)),
                Inv($"Context length exceeded at seq {e.Seq} ({Describe(err)})."));
        }
    }

    private sealed record Over(string? Model, string? Prefix, long Tokens, long Window);

    private static Over? Oversized(TraceEventRecorded request, DetectorSettings settings)
    {
        var tokens = EventFacts.Long(request.Payload, "input_tokens");
        var model = EventFacts.Str(request.Payload, "model");
        var (prefix, window) = ContextWindows.For(model, settings);
        return window is { } w && tokens >= w ? new Over(model, prefix, tokens, w) : null;
    }

    /// <summary>Index of the next LLM response, if it reports a context-length error (before any other request).</summary>
    private static int? ConfirmingError(IReadOnlyList<TraceEventRecorded> events, int requestIndex)
    {
        for (var j = requestIndex + 1; j < events.Count; j++)
        {
            if (events[j].Type == EventTypes.LlmRequest) return null;
            if (events[j].Type != EventTypes.LlmResponse) continue;
            return ErrorInfo.Of(events[j]) is { } err && ErrorClass.IsContextLength(err) ? j : null;
        }
        return null;
    }
}
