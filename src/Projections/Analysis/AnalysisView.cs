using Marten.Events.Aggregation;
using Tracing.Domain.Analysis;

namespace Tracing.Projections.Analysis;

/// <summary>Read model behind GET /api/traces/{id}/analysis: the latest recorded analysis of a session.</summary>
public sealed class AnalysisView
{
    public string Id { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string DetectorVersion { get; set; } = "";
    public long LastSeq { get; set; }
    public List<Finding> Findings { get; set; } = [];
    public List<string> IncidentLinks { get; set; } = [];
    public string Trigger { get; set; } = "";
    public DateTimeOffset AnalyzedAt { get; set; }
    public int Revision { get; set; }
}

public sealed partial class AnalysisViewProjection : SingleStreamProjection<AnalysisView, string>
{
    public AnalysisView Create(AnalysisCompleted e) => Apply(e, new AnalysisView());

    public AnalysisView Apply(AnalysisCompleted e, AnalysisView view)
    {
        view.SessionId = e.SessionId;
        view.ProjectId = e.ProjectId;
        view.DetectorVersion = e.DetectorVersion;
        view.LastSeq = e.LastSeq;
        view.Findings = [.. e.Findings];
        view.IncidentLinks = [.. e.IncidentLinks];
        view.Trigger = e.Trigger;
        view.AnalyzedAt = e.AnalyzedAt;
        view.Revision++;
        return view;
    }
}
