using System.Text.Json;
using Marten.Events.Aggregation;
using Tracing.Domain.Analysis;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;

namespace Tracing.Projections.Sessions;

/// <summary>
/// Write model of a session, projected inline in the same transaction as the append:
/// what the ingest decision needs (last accepted seq) without loading the stream.
/// </summary>
public sealed class SessionHead
{
    public string Id { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string? Agent { get; set; }
    public string? Name { get; set; }
    public JsonElement? Metadata { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string ContentHash { get; set; } = "";
    public long LastSeq { get; set; }
    public string Status { get; set; } = SessionStatus.Active;

    /// <summary>Hash of the latest recorded analysis: re-running on unchanged events records nothing new.</summary>
    public string? LastAnalysisHash { get; set; }
}

public sealed partial class SessionHeadProjection : SingleStreamProjection<SessionHead, string>
{
    public SessionHead Create(SessionStarted e) => new()
    {
        SessionId = e.SessionId,
        ProjectId = e.ProjectId,
        Agent = e.Agent,
        Name = e.Name,
        Metadata = e.Metadata,
        StartedAt = e.StartedAt,
        CreatedAt = e.CreatedAt,
        ContentHash = e.ContentHash,
    };

    public void Apply(AnalysisCompleted e, SessionHead head) => head.LastAnalysisHash = e.ResultHash;

    public void Apply(TraceEventRecorded e, SessionHead head)
    {
        head.LastSeq = e.Seq;
        if (e.Type == EventTypes.SessionEnded)
            head.Status = SessionEnd.SessionStatusAfter(e.Payload);
    }
}
