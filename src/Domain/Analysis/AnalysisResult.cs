namespace Tracing.Domain.Analysis;

/// <summary>
/// The output of one analysis run. <c>DetectorVersion</c> names the rules and thresholds that produced it,
/// so a stored result can be recomputed (or invalidated) when the detectors change.
/// </summary>
/// <param name="DetectorVersion">e.g. <c>detectors@1</c>, or <c>detectors@1+3f2a9c01</c> for non-default settings.</param>
/// <param name="Findings">Ordered by critical step, then detector, then fingerprint (ordinal).</param>
/// <param name="LastSeq">The highest seq analysed (0 for an empty session): results are valid up to here.</param>
public sealed record AnalysisResult(string DetectorVersion, IReadOnlyList<Finding> Findings, long LastSeq);
