using Tracing.Domain.Analysis;
using Tracing.Projections.Analysis;

namespace Tracing.Api.Analysis;

/// <summary>An analysis as the API shows it.</summary>
public sealed record AnalysisResponse(
    string SessionId,
    string DetectorVersion,
    long LastSeq,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<string> IncidentLinks,
    string Trigger,
    DateTimeOffset AnalyzedAt,
    bool? Recorded = null)
{
    public static AnalysisResponse From(AnalysisCompleted a, bool recorded) =>
        new(a.SessionId, a.DetectorVersion, a.LastSeq, a.Findings, a.IncidentLinks, a.Trigger, a.AnalyzedAt, recorded);

    public static AnalysisResponse From(AnalysisView v) =>
        new(v.SessionId, v.DetectorVersion, v.LastSeq, v.Findings, v.IncidentLinks, v.Trigger, v.AnalyzedAt);
}

/// <summary>Documentation shape of the PUT body.</summary>
public sealed record ExternalAnalysisBody(string DetectorVersion, long LastSeq, IReadOnlyList<Finding> Findings, IReadOnlyList<string>? IncidentLinks);
