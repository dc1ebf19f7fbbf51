using JasperFx.Events;
using JasperFx.Events.Grouping;
using Marten.Events.Projections;
using Tracing.Domain.Analysis;
using Tracing.Domain.Incidents;

namespace Tracing.Projections.Incidents;

/// <summary>
/// Multi-stream projection of incidents: each <see cref="AnalysisCompleted"/> (session streams) fans out into one
/// <see cref="FindingObserved"/> per fingerprint, routed to the incident of (project, fingerprint); the events of an
/// incident's own stream route by their incident id. Reads event data and versions only (no clock, no services),
/// so a rebuild equals incremental processing.
/// </summary>
public sealed partial class IncidentProjection : MultiStreamProjection<Incident, string>
{
    public IncidentProjection()
    {
        FanOut<AnalysisCompleted, FindingObserved>((AnalysisCompleted a) => FindingObserved.From(a), FanoutMode.BeforeGrouping);
        Identity<FindingObserved>(f => f.IncidentId);
        Identity<IncidentStatusChanged>(e => e.IncidentId);
        Identity<IncidentOwnerChanged>(e => e.IncidentId);
        Identity<FixAgentDispatched>(e => e.IncidentId);
        Identity<FixProposed>(e => e.IncidentId);
        Identity<IncidentRegressed>(e => e.IncidentId);
        Identity<IncidentSessionErased>(e => e.IncidentId);
    }

    public Incident Create(FindingObserved f)
    {
        var incident = Incident.Start(f.IncidentId, f.ProjectId);
        incident.Observe(f);
        return incident;
    }

    public void Apply(FindingObserved f, Incident incident) => incident.Observe(f);

    public Incident Create(IEvent<IncidentStatusChanged> e) => Triage(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public Incident Apply(IEvent<IncidentStatusChanged> e, Incident incident) => Triage(incident, e, "", "");
    public Incident Create(IEvent<IncidentOwnerChanged> e) => Triage(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public Incident Apply(IEvent<IncidentOwnerChanged> e, Incident incident) => Triage(incident, e, "", "");
    public Incident Create(IEvent<IncidentRegressed> e) => Triage(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public Incident Apply(IEvent<IncidentRegressed> e, Incident incident) => Triage(incident, e, "", "");
    public Incident Create(IEvent<FixAgentDispatched> e) => Triage(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public Incident Apply(IEvent<FixAgentDispatched> e, Incident incident) => Triage(incident, e, "", "");
    public Incident Create(IEvent<FixProposed> e) => Triage(null, e, e.Data.IncidentId, e.Data.ProjectId);
    public Incident Apply(IEvent<FixProposed> e, Incident incident) => Triage(incident, e, "", "");

    private static Incident Triage(Incident? incident, IEvent e, string incidentId, string projectId)
    {
        incident ??= Incident.Start(incidentId, projectId);
        incident.ApplyTriage(e.Data, e.Version);
        return incident;
    }
}
