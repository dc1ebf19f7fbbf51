using JasperFx.Events.Projections;
using Marten;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Domain.Regression;

namespace Tracing.Projections.Incidents;

/// <summary>Marten configuration of the incidents feature (docs/adr/0008-incidents.md).</summary>
public static class IncidentStoreSetup
{
    public const string StatusChangedAlias = "incident_status_changed";
    public const string OwnerChangedAlias = "incident_owner_changed";
    public const string FixDispatchedAlias = "incident_fix_dispatched";
    public const string FixProposedAlias = "incident_fix_proposed";
    public const string RegressedAlias = "incident_regressed";
    public const string SessionErasedAlias = "incident_session_erased";

    public static void ConfigureIncidents(this StoreOptions opts)
    {
        opts.Events.MapEventType<IncidentStatusChanged>(StatusChangedAlias);
        opts.Events.MapEventType<IncidentOwnerChanged>(OwnerChangedAlias);
        opts.Events.MapEventType<FixAgentDispatched>(FixDispatchedAlias);
        opts.Events.MapEventType<FixProposed>(FixProposedAlias);
        opts.Events.MapEventType<IncidentRegressed>(RegressedAlias);
        opts.Events.MapEventType<IncidentSessionErased>(SessionErasedAlias);

        opts.Schema.For<IncidentTriage>().MultiTenanted();
        opts.Projections.Add<IncidentTriageProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<Incident>().MultiTenanted()
            .Index(x => x.ProjectId)
            .Index(x => x.LastSeenMs);
        opts.Projections.Add<IncidentProjection>(ProjectionLifecycle.Async);

        opts.Schema.For<AgentConfig>().MultiTenanted();
        opts.Schema.For<RegressionRun>().MultiTenanted().UseOptimisticConcurrency(true).Index(x => x.IncidentId);
        opts.Schema.For<AuditEntry>().MultiTenanted().Index(x => x.ProjectId);
    }
}
