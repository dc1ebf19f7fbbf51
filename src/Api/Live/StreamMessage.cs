using System.Text.Json;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;
using Tracing.Projections;
using Tracing.Projections.Events;

namespace Tracing.Api.Live;

/// <summary>One message of the live stream. <c>Position</c> is the event store's global position; <c>Ordinal</c>
/// orders the messages one stored event produces (they share its id).</summary>
public sealed record StreamMessage(
    long Position, string Tenant, string ProjectId, string SessionId, long Seq, string Name, string? EventType, string Data,
    int Ordinal = 0)
{
    /// <summary>The cursor this message carries: the global position, or the session seq on a session stream.</summary>
    public (long Id, int Ordinal) Key(bool bySeq) => (bySeq ? Seq : Position, Ordinal);
}

/// <summary>
/// Which stored events become which stream messages. Adding a message type (analysis.completed,
/// incident.updated: see <see cref="IncidentMessages"/>) is one more case here.
/// </summary>
public static class StreamMessages
{
    public const string EventAppended = "event.appended";
    public const string SessionUpdated = "session.updated";
    public const string AnalysisCompleted = "analysis.completed";

    public static IEnumerable<StreamMessage> From(FeedRow row)
    {
        var slash = row.StreamKey.IndexOf('/');
        if (slash <= 0) yield break; // not a session stream (e.g. Marten's tombstones)
        var project = row.StreamKey[..slash];
        var session = row.StreamKey[(slash + 1)..];

        switch (row.EventType)
        {
            case StoreSetup.TraceEventAlias:
            {
                using var doc = JsonDocument.Parse(row.Json);
                var e = doc.RootElement;
                var seq = e.GetProperty("seq").GetInt64();
                var type = e.GetProperty("type").GetString()!;
                yield return new StreamMessage(row.Position, row.Tenant, project, session, seq, EventAppended, type, row.Json);
                if (type == EventTypes.SessionEnded)
                {
                    var status = SessionEnd.SessionStatusAfter(e.TryGetProperty("payload", out var p) ? p : default);
                    yield return Updated(row, project, session, seq, status) with { Ordinal = 1 };
                }
                break;
            }
            case StoreSetup.AnalysisCompletedAlias:
            {
                using var doc = JsonDocument.Parse(row.Json);
                var e = doc.RootElement;
                var lastSeq = e.GetProperty("last_seq").GetInt64();
                yield return new StreamMessage(row.Position, row.Tenant, project, session, lastSeq, AnalysisCompleted, null,
                    JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["session_id"] = session, ["project_id"] = project,
                        ["detector_version"] = e.GetProperty("detector_version").GetString(), ["last_seq"] = lastSeq,
                        ["findings"] = e.GetProperty("findings").GetArrayLength(), ["trigger"] = e.GetProperty("trigger").GetString(),
                    }), Ordinal: 2);
                foreach (var m in IncidentMessages.FromAnalysis(row, project, session, lastSeq, e)) yield return m;
                break;
            }
            case StoreSetup.SessionStartedAlias:
                yield return Updated(row, project, session, 0, SessionStatus.Active);
                break;
            case var t when IncidentMessages.IsIncidentEvent(t):
                foreach (var m in IncidentMessages.FromIncidentStream(row, project, session)) yield return m;
                break;
        }
    }

    private static StreamMessage Updated(FeedRow row, string project, string session, long seq, string status) =>
        new(row.Position, row.Tenant, project, session, seq, SessionUpdated, null,
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["session_id"] = session, ["project_id"] = project, ["status"] = status, ["seq"] = seq,
            }));
}

/// <summary>What one connection asked to see, already narrowed to the caller's scope. Pure.</summary>
public sealed record StreamFilter(string Tenant, string? ProjectId, string? SessionId, IReadOnlySet<string>? Types)
{
    public bool Matches(StreamMessage m) =>
        m.Tenant == Tenant
        && (ProjectId is null || m.ProjectId == ProjectId)
        && (SessionId is null || m.SessionId == SessionId)
        && (Types is null || Types.Contains(m.Name) || (m.EventType is not null && Types.Contains(m.EventType)));
}
