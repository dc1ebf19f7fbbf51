using JasperFx.Events;
using Marten.Events.Aggregation;
using Tracing.Domain.Incidents;

namespace Tracing.Projections.Incidents;

/// <summary>
/// The fold of an incident's own stream (triage, regressions, fix agent): the write model that PATCH and the fix agent
/// decide against (inline, <c>FetchForWriting</c>), and the triage part of the <see cref="Incident"/> read model, which
/// folds the same events with these same methods. One fold, two lifecycles: nothing in the API replays events.
/// </summary>
public sealed class IncidentTriage
{
    public string Id { get; set; } = "";
    public string IncidentId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    /// <summary>The incident stream's version: every event of the stream counts, regressions included.</summary>
    public long Version { get; set; }
    public string Status { get; set; } = IncidentStatus.Open;
    public string? Owner { get; set; }
    public bool Regressed { get; set; }
    /// <summary>How many <see cref="IncidentRegressed"/> events the stream holds.</summary>
    public int Reopens { get; set; }
    public DateTimeOffset? RegressedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public FixProposalState? FixProposal { get; set; }
    /// <summary>Fix dispatches not answered yet: a redelivered request for an answered one does nothing.</summary>
    public List<string> PendingDispatches { get; set; } = [];
    /// <summary>When the latest pending dispatch was requested (event time): one pending dispatch per incident at a time.</summary>
    public DateTimeOffset? PendingSince { get; set; }
    /// <summary>Time of the latest event of the stream.</summary>
    public DateTimeOffset? ChangedAt { get; set; }

    /// <summary>
    /// Changes a user made (the stream version without regressions) and reopens: the two parts of the incident's ETag,
    /// as they were before regressions became events, so clients see the same tags.
    /// </summary>
    public long UserVersion => Version - Reopens;

    /// <summary>A copy a decision can fold its new events into without touching the loaded write model.</summary>
    public IncidentTriage Copy()
    {
        var copy = (IncidentTriage)MemberwiseClone();
        copy.PendingDispatches = [.. PendingDispatches];
        return copy;
    }

    public static IncidentTriage Start(string streamKey, string incidentId, string projectId) =>
        new() { Id = streamKey, IncidentId = incidentId, ProjectId = projectId };

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

    public void Apply(IncidentRegressed e, long version)
    {
        Status = IncidentStatus.Open;
        Regressed = true;
        Reopens++;
        RegressedAt = e.At;
        Stamp(e.ProjectId, version, e.At);
    }

    public void Apply(FixAgentDispatched e, long version)
    {
        if (!PendingDispatches.Contains(e.DispatchId)) PendingDispatches.Add(e.DispatchId);
        PendingSince = e.At;
        FixProposal = new FixProposalState { DispatchId = e.DispatchId, Status = "pending", RequestedBy = e.Actor, RequestedAt = e.At };
        Stamp(e.ProjectId, version, e.At);
    }

    public void Apply(FixProposed e, long version)
    {
        PendingDispatches.Remove(e.DispatchId);
        if (PendingDispatches.Count == 0) PendingSince = null;
        var requested = FixProposal?.DispatchId == e.DispatchId ? FixProposal : null;
        FixProposal = new FixProposalState
        {
            DispatchId = e.DispatchId, Status = "proposed", Mode = e.Mode, Reason = e.Reason, Plan = e.Plan,
            Diff = e.Diff, ConfigSha256 = e.ConfigSha256, RequestedBy = requested?.RequestedBy, RequestedAt = requested?.RequestedAt,
            ProposedAt = e.At,
        };
        Stamp(e.ProjectId, version, e.At);
    }

    /// <summary>Applies any event of the stream; others are ignored.</summary>
    public void Apply(object data, long version)
    {
        switch (data)
        {
            case IncidentStatusChanged e: Apply(e, version); break;
            case IncidentOwnerChanged e: Apply(e, version); break;
            case IncidentRegressed e: Apply(e, version); break;
            case FixAgentDispatched e: Apply(e, version); break;
            case FixProposed e: Apply(e, version); break;
            case IncidentSessionErased e: Stamp(e.ProjectId, version, e.At); break;
        }
    }

    private void Stamp(string projectId, long version, DateTimeOffset at)
    {
        if (ProjectId.Length == 0) ProjectId = projectId;
        Version = Math.Max(Version, version);
        if (ChangedAt is null || at > ChangedAt) ChangedAt = at;
    }
}

/// <summary>The inline projection of <see cref="IncidentTriage"/>: each event through the fold above.</summary>
public sealed partial class IncidentTriageProjection : SingleStreamProjection<IncidentTriage, string>
{
    public IncidentTriage Create(IEvent<IncidentStatusChanged> e) => Fold(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public IncidentTriage Create(IEvent<IncidentOwnerChanged> e) => Fold(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public IncidentTriage Create(IEvent<IncidentRegressed> e) => Fold(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public IncidentTriage Create(IEvent<FixAgentDispatched> e) => Fold(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public IncidentTriage Create(IEvent<FixProposed> e) => Fold(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public IncidentTriage Create(IEvent<IncidentSessionErased> e) => Fold(null, e, e.Data.IncidentId, e.Data.ProjectId);

    public IncidentTriage Apply(IEvent<IncidentStatusChanged> e, IncidentTriage t) => Fold(t, e, "", "");
    public IncidentTriage Apply(IEvent<IncidentOwnerChanged> e, IncidentTriage t) => Fold(t, e, "", "");
    public IncidentTriage Apply(IEvent<IncidentRegressed> e, IncidentTriage t) => Fold(t, e, "", "");
    public IncidentTriage Apply(IEvent<FixAgentDispatched> e, IncidentTriage t) => Fold(t, e, "", "");
    public IncidentTriage Apply(IEvent<FixProposed> e, IncidentTriage t) => Fold(t, e, "", "");
    // An erasure changes what the incident shows, so it moves the stream version (and the ETag) like any other event.
    public IncidentTriage Apply(IEvent<IncidentSessionErased> e, IncidentTriage t) => Fold(t, e, "", "");

    private static IncidentTriage Fold(IncidentTriage? t, IEvent e, string incidentId, string projectId)
    {
        t ??= IncidentTriage.Start(e.StreamKey ?? "", incidentId, projectId);
        t.Apply(e.Data, e.Version);
        return t;
    }
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
