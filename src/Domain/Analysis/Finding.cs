using System.Text.Json.Serialization;

namespace Tracing.Domain.Analysis;

/// <summary>
/// One suspected failure in a session. Canonical by construction (confidence rounded to three places,
/// evidence sorted and de-duplicated) so two analyses of the same events serialize to the same bytes.
/// </summary>
/// <param name="Detector">Which detector fired (<c>loop</c>, <c>tool_error</c>...).</param>
/// <param name="Label">The detector's sub-classification (e.g. <c>carried_on</c> vs <c>recovered_by_retry</c>).</param>
/// <param name="Confidence">0..1, always three decimal places.</param>
/// <param name="CriticalStep">The seq where the failure starts.</param>
/// <param name="EvidenceSeqs">Seqs a reader should look at, ascending; at most <see cref="MaxEvidence"/> (the first ones and the last).</param>
/// <param name="Fingerprint">Groups the same failure across sessions (see <see cref="Fingerprint"/>).</param>
/// <param name="Summary">One human sentence; never parsed.</param>
/// <remarks>JSON property order is pinned: the re-declared properties would otherwise serialize last.</remarks>
public sealed record Finding(
    [property: JsonPropertyOrder(0)] string Detector,
    [property: JsonPropertyOrder(1)] string Label,
    decimal Confidence,
    [property: JsonPropertyOrder(3)] long CriticalStep,
    long[] EvidenceSeqs,
    [property: JsonPropertyOrder(5)] string Fingerprint,
    [property: JsonPropertyOrder(6)] string Summary)
{
    [JsonPropertyOrder(2)]
    public decimal Confidence { get; } = Scores.Normalize(Confidence);

    [JsonPropertyOrder(4)]
    public long[] EvidenceSeqs { get; } = Canonical(EvidenceSeqs);

    /// <summary>A runaway loop can have thousands of evidence seqs; the summary carries the count, the list stays readable.</summary>
    public const int MaxEvidence = 100;

    private static long[] Canonical(long[] seqs)
    {
        var sorted = seqs.Distinct().Order().ToArray();
        return sorted.Length <= MaxEvidence ? sorted : [.. sorted.Take(MaxEvidence - 1), sorted[^1]];
    }
}
