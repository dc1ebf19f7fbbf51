using Marten;
using Tracing.Domain.Analysis;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;

namespace Tracing.Workers.Incidents;

/// <summary>
/// The reaction to a recorded analysis: each fingerprint new to the session reopens its incident if it is resolved
/// (<see cref="IncidentRegression"/>), as an <see cref="IncidentRegressed"/> event on the incident's own stream, added to
/// the analysis' session so both commit together (docs/adr/0024-incident-regressed-event.md).
/// </summary>
public static class IncidentRegressions
{
    public static async Task AppendAsync(IDocumentSession session, AnalysisCompleted analysis, IEnumerable<AnalysisCompleted> earlier,
        CancellationToken ct)
    {
        var fresh = IncidentRegression.NewToSession(analysis.Findings.Select(f => f.Fingerprint),
            earlier.SelectMany(a => a.Findings.Select(f => f.Fingerprint)));
        foreach (var fingerprint in fresh)
        {
            var id = IncidentIds.For(analysis.ProjectId, fingerprint);
            var stream = await session.Events.FetchForWriting<IncidentTriage>(IncidentIds.StreamKey(analysis.ProjectId, id), ct);
            if (IncidentRegression.Decide(id, analysis.ProjectId, stream.Aggregate?.Status, analysis.SessionId, analysis.Actor,
                    analysis.AnalyzedAt) is { } regressed)
                stream.AppendOne(regressed);
        }
    }
}
