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
        Identity<IncidentSessionErased>(e => e.IncidentId);
    }

    public Incident Create(FindingObserved f)
    {
        var incident = Incident.Start(f.IncidentId, f.ProjectId);
        incident.Observe(f);
        return incident;
    }

    public void Apply(FindingObserved f, Incident incident) => incident.Observe(f);

    public Incident Create(IEvent<IncidentStatusChanged> e) => With(Incident.Start(e.Data.IncidentId, e.Data.ProjectId), i => i.Apply(e.Data, e.Version));
    public void Apply(IEvent<IncidentStatusChanged> e, Incident incident) => incident.Apply(e.Data, e.Version);

    public Incident Create(IEvent<IncidentOwnerChanged> e) => With(Incident.Start(e.Data.IncidentId, e.Data.ProjectId), i => i.Apply(e.Data, e.Version));
    public void Apply(IEvent<IncidentOwnerChanged> e, Incident incident) => incident.Apply(e.Data, e.Version);

    public Incident Create(IEvent<FixAgentDispatched> e) => With(Incident.Start(e.Data.IncidentId, e.Data.ProjectId), i => i.Apply(e.Data, e.Version));
    public void Apply(IEvent<FixAgentDispatched> e, Incident incident) => incident.Apply(e.Data, e.Version);

    public Incident Create(IEvent<FixProposed> e) => With(Incident.Start(e.Data.IncidentId, e.Data.ProjectId), i => i.Apply(e.Data, e.Version));
    public void Apply(IEvent<FixProposed> e, Incident incident) => incident.Apply(e.Data, e.Version);

    private static Incident With(Incident i, Action<Incident> apply)
    {
        apply(i);
        return i;
    }
}
