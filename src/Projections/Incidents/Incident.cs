using Tracing.Domain.Incidents;

namespace Tracing.Projections.Incidents;

/// <summary>
/// The incident read model: one failure (project, fingerprint) across sessions, with its triage state. Folded from
/// analyses (through <see cref="FindingObserved"/>) and from the incident's own stream, in log order, by
/// <see cref="IncidentProjection"/>. The triage part is <see cref="IncidentTriage"/>, the same fold the inline write
/// model runs (docs/adr/0008-incidents.md, docs/adr/0024-incident-regressed-event.md).
/// </summary>
public sealed partial class Incident
{
    public const int MaxSamples = 5;
    public const int MaxTitle = 200;

    public string Id { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string Detector { get; set; } = "";
    public string Label { get; set; } = "";
    public string Title { get; set; } = "";
    public string Severity { get; set; } = IncidentSeverity.Medium;
    /// <summary>
    /// The fold of the incident's own stream (status, owner, regressions, fix agent), with the methods the inline write
    /// model uses: the PATCH answer swaps in the write model's fresh copy instead of replaying events.
    /// </summary>
    public IncidentTriage Triage { get; set; } = new();
    public long Occurrences { get; set; }
    public int SessionsAffected { get; set; }
    public decimal MaxConfidence { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary><see cref="LastSeenAt"/> in Unix milliseconds: an exact sort and cursor key (timestamps round in SQL).</summary>
    public long LastSeenMs { get; set; }
    /// <summary>The most recently affected sessions, newest first.</summary>
    public List<IncidentSample> Samples { get; set; } = [];
    /// <summary>Every affected session with its finding count, sorted by id (ordinal): the once-per-session rule.</summary>
    public List<SessionOccurrences> Sessions { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }

    public static Incident Start(string incidentId, string projectId) => new()
    {
        Id = incidentId, ProjectId = projectId, Triage = IncidentTriage.Start(IncidentIds.StreamKey(projectId, incidentId), incidentId, projectId),
    };

    /// <summary>
    /// A recorded analysis of one session found this fingerprint. A session counts once: a re-analysis replaces its
    /// count instead of adding to it. A regression reopen is its own event (<see cref="IncidentRegressed"/>), not a side effect here.
    /// </summary>
    public void Observe(FindingObserved f)
    {
        if (Fingerprint.Length == 0)
        {
            Fingerprint = f.Fingerprint;
            Title = TitleFor(f);
            TitleSessionId = f.SessionId;
            FirstSeenAt = f.AnalyzedAt;
        }
        Detector = f.Detector;
        Label = f.Label;
        var at = Sessions.BinarySearch(new SessionOccurrences(f.SessionId, 0), SessionOccurrences.ById);
        if (at >= 0)
        {
            Occurrences += f.Count - Sessions[at].Count;
            Sessions[at] = Sessions[at] with { Count = f.Count };
        }
        else
        {
            Sessions.Insert(~at, new SessionOccurrences(f.SessionId, f.Count));
            Occurrences += f.Count;
        }
        SessionsAffected = Sessions.Count;
        MaxConfidence = Math.Max(MaxConfidence, f.Confidence);
        if (f.AnalyzedAt < FirstSeenAt) FirstSeenAt = f.AnalyzedAt;
        if (f.AnalyzedAt > LastSeenAt) LastSeenAt = f.AnalyzedAt;
        LastSeenMs = LastSeenAt.ToUnixTimeMilliseconds();
        Samples.RemoveAll(s => s.SessionId == f.SessionId);
        Samples.Insert(0, new IncidentSample(f.SessionId, f.CriticalStep, f.Summary, f.AnalyzedAt));
        if (Samples.Count > MaxSamples) Samples.RemoveRange(MaxSamples, Samples.Count - MaxSamples);
        Severity = IncidentSeverity.Of(Detector, Label, MaxConfidence, SessionsAffected);
        Touch(f.AnalyzedAt);
    }

    /// <summary>An event of the incident's own stream, folded by <see cref="IncidentTriage"/>.</summary>
    public void ApplyTriage(object data, long version)
    {
        Triage.Apply(data, version);
        if (Triage.ChangedAt is { } at) Touch(at);
    }

    /// <summary>This read model with the triage part replaced by a fresher fold of the same stream (the write model).</summary>
    public Incident WithTriage(IncidentTriage triage)
    {
        if (triage.Version < Triage.Version) return this;
        Triage = triage;
        if (triage.ChangedAt is { } at) Touch(at);
        return this;
    }

    private void Touch(DateTimeOffset at)
    {
        if (at > UpdatedAt) UpdatedAt = at;
    }

    private static string TitleFor(FindingObserved f)
    {
        var title = $"{f.Detector} ({f.Label}): {f.Summary}";
        return title.Length <= MaxTitle ? title : title[..(MaxTitle - 3)] + "...";
    }
}

public sealed record IncidentSample(string SessionId, long CriticalStep, string Summary, DateTimeOffset SeenAt);

public sealed record SessionOccurrences(string SessionId, int Count)
{
    public static readonly IComparer<SessionOccurrences> ById =
        Comparer<SessionOccurrences>.Create((a, b) => string.CompareOrdinal(a.SessionId, b.SessionId));
}
