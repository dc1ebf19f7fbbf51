using Tracing.Domain.Events;
using static Tracing.Domain.Analysis.Summaries;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// An LLM call that produced no usable answer: an <c>error</c> object, <c>finish_reason: error</c>, or
/// <c>finish_reason: content_filter</c> (a refusal). Context-length errors are left to <c>context_overflow</c>,
/// which explains them better.
/// </summary>
public sealed class LlmErrorDetector : IDetector
{
    public const string Refusal = "refusal";
    public const string Timeout = "timeout";
    public const string RateLimited = "rate_limited";
    public const string ProviderError = "provider_error";

    public string Name => "llm_error";

    public IEnumerable<Finding> Detect(AnalysisInput input)
    {
        foreach (var e in input.Events)
        {
            if (e.Type != EventTypes.LlmResponse) continue;
            var refused = EventFacts.Str(e.Payload, "finish_reason") == "content_filter";
            var error = ErrorInfo.Of(e);
            if (error is null && !refused) continue;
            if (error is not null && ErrorClass.IsContextLength(error)) continue;

            error ??= new ErrorInfo("content_filter", null);
            var (label, confidence) =
                refused ? (Refusal, 0.9m)
                : ErrorClass.IsTimeout(error) ? (Timeout, 0.9m)
                : ErrorClass.IsRateLimit(error) ? (RateLimited, 0.6m)
                : (ProviderError, 0.8m);
            var model = EventFacts.Str(e.Payload, "model");
            yield return new Finding(Name, label, confidence, e.Seq, [e.Seq],
                Fingerprint.Of(Name, label, error.TypeKey, FingerprintNormalizer.Normalize(error.Message)),
                Inv($"LLM call{(model is null ? "" : $" to {model}")} at seq {e.Seq} ") + Sentence(label, error));
        }
    }

    private static string Sentence(string label, ErrorInfo error) => label switch
    {
        Refusal => "was refused by the content filter.",
        Timeout => $"timed out ({Describe(error)}).",
        RateLimited => $"was rate-limited ({Describe(error)}).",
        _ => $"failed ({Describe(error)}).",
    };
}
