using JasperFx.Events;
using Tracing.Domain.Incidents;

namespace Tracing.Projections.Incidents;

/// <summary>Applies events of an incident's own stream to an incident with the same methods the projection uses.</summary>
public static class IncidentStreamFold
{
    public static void Apply(Incident incident, object data, long version)
    {
        switch (data)
        {
            case IncidentStatusChanged e: incident.Apply(e, version); break;
            case IncidentOwnerChanged e: incident.Apply(e, version); break;
            case FixAgentDispatched e: incident.Apply(e, version); break;
            case FixProposed e: incident.Apply(e, version); break;
            case IncidentSessionErased e: incident.Apply(e, version); break;
        }
    }

    public static void Apply(Incident incident, IEnumerable<IEvent> events)
    {
        foreach (var e in events.OrderBy(e => e.Version)) Apply(incident, e.Data, e.Version);
    }
}
