using JasperFx.Events;
using Tracing.Domain.Incidents;

namespace Tracing.Projections.Incidents;

public sealed partial class Incident
{
    /// <summary>
    /// The session whose finding gave the title (titles quote a finding's summary). Null on incidents folded before
    /// erasure existed: an erasure then retitles, since it cannot tell whose text the title holds.
    /// </summary>
    public string? TitleSessionId { get; set; }

    /// <summary>
    /// An erased session leaves no trace: its count, its samples and (when it gave the title) the title text go. The
    /// title then quotes the newest remaining sample, or names only the detector and label. Counts that only a replay
    /// of the erased analyses could restore (first seen, confidence) stay: they carry no session text.
    /// </summary>
    public void Apply(IncidentSessionErased e, long version)
    {
        var at = Sessions.FindIndex(s => s.SessionId == e.SessionId);
        if (at >= 0)
        {
            Occurrences -= Sessions[at].Count;
            Sessions.RemoveAt(at);
            SessionsAffected = Sessions.Count;
        }
        Samples.RemoveAll(s => s.SessionId == e.SessionId);
        if (TitleSessionId is null || TitleSessionId == e.SessionId)
        {
            var newest = Samples.FirstOrDefault();
            Title = newest is null
                ? $"{Detector} ({Label})"
                : TitleFor(new FindingObserved(ProjectId, newest.SessionId, Fingerprint, Detector, Label, newest.Summary,
                    newest.CriticalStep, MaxConfidence, 0, newest.SeenAt));
            TitleSessionId = newest?.SessionId ?? "";
        }
        if (Detector.Length > 0) Severity = IncidentSeverity.Of(Detector, Label, MaxConfidence, SessionsAffected);
        ApplyTriage(e, version);
    }
}

public sealed partial class IncidentProjection
{
    // An incident left without sessions is removed, whichever way it is folded: incrementally its last session goes
    // here; in a rebuild the erased analyses are gone, so the erasure finds an incident without sessions (or none)
    // and removes it too, and the read model is the same either way.
    public bool ShouldDelete(Incident incident, IncidentSessionErased e) => incident.Sessions.All(s => s.SessionId == e.SessionId);
    public void Apply(IEvent<IncidentSessionErased> e, Incident incident) => incident.Apply(e.Data, e.Version);
}
