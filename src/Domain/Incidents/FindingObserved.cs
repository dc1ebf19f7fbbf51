using Tracing.Domain.Analysis;

namespace Tracing.Domain.Incidents;

/// <summary>
/// One fingerprint in one recorded analysis: what the incident read model folds. Derived (never stored) from
/// <see cref="AnalysisCompleted"/>, one per distinct fingerprint; <see cref="Count"/> findings of the analysis share it.
/// </summary>
public sealed record FindingObserved(
    string ProjectId, string SessionId, string Fingerprint, string Detector, string Label, string Summary,
    long CriticalStep, decimal Confidence, int Count, DateTimeOffset AnalyzedAt)
{
    public string IncidentId => IncidentIds.For(ProjectId, Fingerprint);

    /// <summary>Findings are already ordered by critical step (FindingOrder), so the first of a group is the earliest.</summary>
    public static IEnumerable<FindingObserved> From(AnalysisCompleted a) =>
        a.Findings
            .GroupBy(f => f.Fingerprint, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                return new FindingObserved(a.ProjectId, a.SessionId, g.Key, first.Detector, first.Label, first.Summary,
                    first.CriticalStep, g.Max(f => f.Confidence), g.Count(), a.AnalyzedAt);
            });
}
