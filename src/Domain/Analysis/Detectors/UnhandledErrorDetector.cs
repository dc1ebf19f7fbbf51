using Tracing.Domain.Sessions;
using Tracing.Domain.Events;
using static Tracing.Domain.Analysis.Summaries;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// The session ended with <c>status: error</c> and no other detector explains it (no finding starts before the
/// end). It runs after the others for that reason, so it is not an <see cref="IDetector"/>. The failure is dated
/// to the first <c>error</c> event when there is one, else to the end itself.
/// </summary>
public static class UnhandledErrorDetector
{
    public const string Name = "unhandled_error";
    public const string EndedWithError = "ended_with_error";

    public static IEnumerable<Finding> Detect(AnalysisInput input, IReadOnlyList<Finding> earlier)
    {
        var end = input.Events.FirstOrDefault(e => SessionEnd.EndsWith(e, SessionEnd.Error));
        if (end is null || earlier.Any(f => f.CriticalStep < end.Seq)) yield break;

        var errors = input.Events.Where(e => e.Type == EventTypes.Error && e.Seq < end.Seq).ToList();
        var first = errors.Count > 0 ? ErrorInfo.Of(errors[0]) : null;
        var reason = EventFacts.Str(end.Payload, SessionEnd.ReasonField);
        yield return new Finding(Name, EndedWithError, errors.Count > 0 ? 0.8m : 0.7m,
            errors.Count > 0 ? errors[0].Seq : end.Seq, [.. errors.Select(e => e.Seq), end.Seq],
            Fingerprint.Of(Name, first?.TypeKey, FingerprintNormalizer.Normalize(first?.Message), FingerprintNormalizer.Normalize(reason)),
            Inv($"The session ended with an error at seq {end.Seq}")
            + (reason is null ? "" : $" ({Clip(reason)})")
            + (first is null ? " and no earlier event explains it." : Inv($"; first error at seq {errors[0].Seq}: {Describe(first)}.")));
    }
}
