using JasperFx.Events;
using Marten.Events.Aggregation;
using Tracing.Domain.Incidents;

namespace Tracing.Projections.Incidents;

/// <summary>
/// Write model of an incident's own stream, projected inline: what PATCH and the fix agent need to append with
/// optimistic concurrency (<c>FetchForWriting</c>) and to answer idempotently.
/// </summary>
public sealed class IncidentTriage
{
    public string Id { get; set; } = "";
    public string IncidentId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public long Version { get; set; }
    /// <summary>Fix dispatches not answered yet: a redelivered request for an answered one does nothing.</summary>
    public List<string> PendingDispatches { get; set; } = [];
    /// <summary>When the latest pending dispatch was requested (event time): one pending dispatch per incident at a time.</summary>
    public DateTimeOffset? PendingSince { get; set; }
}

public sealed partial class IncidentTriageProjection : SingleStreamProjection<IncidentTriage, string>
{
    public IncidentTriage Create(IEvent<IncidentStatusChanged> e) => Start(e, e.Data.IncidentId, e.Data.ProjectId);
    public IncidentTriage Create(IEvent<IncidentOwnerChanged> e) => Start(e, e.Data.IncidentId, e.Data.ProjectId);
    public IncidentTriage Create(IEvent<FixAgentDispatched> e) => Apply(e, Start(e, e.Data.IncidentId, e.Data.ProjectId));
    public IncidentTriage Create(IEvent<FixProposed> e) => Start(e, e.Data.IncidentId, e.Data.ProjectId);

    public void Apply(IEvent<IncidentStatusChanged> e, IncidentTriage t) => t.Version = e.Version;
    public void Apply(IEvent<IncidentOwnerChanged> e, IncidentTriage t) => t.Version = e.Version;

    public IncidentTriage Apply(IEvent<FixAgentDispatched> e, IncidentTriage t)
    {
        t.Version = e.Version;
        if (!t.PendingDispatches.Contains(e.Data.DispatchId)) t.PendingDispatches.Add(e.Data.DispatchId);
        t.PendingSince = e.Data.At;
        return t;
    }

    public void Apply(IEvent<FixProposed> e, IncidentTriage t)
    {
        t.Version = e.Version;
        t.PendingDispatches.Remove(e.Data.DispatchId);
        if (t.PendingDispatches.Count == 0) t.PendingSince = null;
    }

    private static IncidentTriage Start(IEvent e, string incidentId, string projectId) =>
        new() { IncidentId = incidentId, ProjectId = projectId, Version = e.Version };
}
