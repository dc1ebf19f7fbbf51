using Tracing.Domain.Incidents;

namespace Tracing.Projections.Incidents;

/// <summary>
/// The incident read model: one failure (project, fingerprint) across sessions, with its triage state. Folded from
/// analyses (through <see cref="FindingObserved"/>) and from the incident's own stream, in log order, by
/// <see cref="IncidentProjection"/>. The fold methods are pure and shared with the PATCH endpoint, which computes
/// its answer with the same code the projection will run (docs/adr/0008-incidents.md).
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
    public string Status { get; set; } = IncidentStatus.Open;
    public string? Owner { get; set; }
    public bool Regressed { get; set; }
    /// <summary>How often a regression reopened the incident: part of the ETag, as it changes the status without an event.</summary>
    public int Reopens { get; set; }
    public DateTimeOffset? RegressedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
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
    /// <summary>
    /// The version of the incident's own stream folded so far: the ETag. Not named "Version": Marten would fill that
    /// with its own aggregate version, which counts the analyses too.
    /// </summary>
    public long StreamVersion { get; set; }
    public FixProposalState? FixProposal { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static Incident Start(string incidentId, string projectId) => new() { Id = incidentId, ProjectId = projectId };

    /// <summary>
    /// A recorded analysis of one session found this fingerprint. A session counts once: a re-analysis replaces its
    /// count instead of adding to it. A resolved incident seen in a session it has not counted yet reopens as regressed.
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
            if (Status == IncidentStatus.Resolved)
            {
                Status = IncidentStatus.Open;
                Regressed = true;
                Reopens++;
                RegressedAt = f.AnalyzedAt;
            }
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

    public void Apply(IncidentStatusChanged e, long version)
    {
        Status = e.Status;
        if (e.Status == IncidentStatus.Resolved)
        {
            ResolvedAt = e.At;
            Regressed = false;
        }
        Stamp(e.ProjectId, version, e.At);
    }

    public void Apply(IncidentOwnerChanged e, long version)
    {
        Owner = e.Owner;
        Stamp(e.ProjectId, version, e.At);
    }

    public void Apply(FixAgentDispatched e, long version)
    {
        FixProposal = new FixProposalState { DispatchId = e.DispatchId, Status = "pending", RequestedBy = e.Actor, RequestedAt = e.At };
        Stamp(e.ProjectId, version, e.At);
    }

    public void Apply(FixProposed e, long version)
    {
        var requested = FixProposal?.DispatchId == e.DispatchId ? FixProposal : null;
        FixProposal = new FixProposalState
        {
            DispatchId = e.DispatchId, Status = "proposed", Mode = e.Mode, Reason = e.Reason, Plan = e.Plan,
            Diff = e.Diff, ConfigSha256 = e.ConfigSha256, RequestedBy = requested?.RequestedBy, RequestedAt = requested?.RequestedAt,
            ProposedAt = e.At,
        };
        Stamp(e.ProjectId, version, e.At);
    }

    private void Stamp(string projectId, long version, DateTimeOffset at)
    {
        if (ProjectId.Length == 0) ProjectId = projectId;
        StreamVersion = Math.Max(StreamVersion, version);
        Touch(at);
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

/// <summary>The latest fix agent request and its answer.</summary>
public sealed class FixProposalState
{
    public string DispatchId { get; set; } = "";
    /// <summary><c>pending</c> until the runner answers, then <c>proposed</c>.</summary>
    public string Status { get; set; } = "pending";
    public string? Mode { get; set; }
    public string? Reason { get; set; }
    public string? Plan { get; set; }
    public string? Diff { get; set; }
    public string? ConfigSha256 { get; set; }
    public string? RequestedBy { get; set; }
    public DateTimeOffset? RequestedAt { get; set; }
    public DateTimeOffset? ProposedAt { get; set; }
}
