using Tracing.Api.Access;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Audit;

/// <summary>Routes of the audit log: who changed what and when, across features.</summary>
public static class AuditRoutes
{
    public static void MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit-logs", ListAuditLogsEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("ListAuditLogs").WithTags("Audit")
            .WithSummary("Who changed what and when, newest first; filters action, target, actor, since; cursor-paged")
            .Produces<Page<AuditView>>(200).ProducesProblem(422);
    }
}
