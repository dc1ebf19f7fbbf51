using JasperFx;
using Tracing.Domain.Analysis;
using Tracing.Domain.Sessions;

namespace Tracing.Workers.Analysis;

/// <summary>Run the detectors on one session (on demand, on session end, or in a rerun). Sent for the workspace's tenant.</summary>
public sealed record AnalyzeSession(string WorkspaceId, string ProjectId, string SessionId, string Trigger, string Actor)
{
    /// <summary>The session stream the aggregate handler loads for writing.</summary>
    [Identity] public string StreamKey => SessionIds.StreamKey(ProjectId, SessionId);
}

/// <summary>Durable trigger published (through the outbox) when a session.ended event is committed.</summary>
public sealed record AnalyzeEndedSession(string WorkspaceId, string ProjectId, string SessionId);

/// <summary>A result produced elsewhere on the server side (PUT /api/traces/{id}/analysis).</summary>
public sealed record RecordExternalAnalysis(
    string WorkspaceId, string ProjectId, string SessionId, string DetectorVersion, long LastSeq,
    IReadOnlyList<Finding> Findings, IReadOnlyList<string> IncidentLinks, string Actor)
{
    [Identity] public string StreamKey => SessionIds.StreamKey(ProjectId, SessionId);
}

/// <param name="TooLarge">The session is beyond <see cref="AnalysisLimits"/>: nothing was loaded or recorded.</param>
public sealed record AnalysisOutcome(bool Found, bool Recorded, AnalysisCompleted? Analysis, bool TooLarge = false)
{
    public static readonly AnalysisOutcome NotFound = new(false, false, null);
}
