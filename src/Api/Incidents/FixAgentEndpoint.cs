using System.Security.Cryptography;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Projections;
using Tracing.Projections.Audit;
using Tracing.Projections.Incidents;
using Tracing.Workers.Incidents;
using Wolverine.Marten;

namespace Tracing.Api.Incidents;

public sealed record FixDispatchView(string IncidentId, string DispatchId, string Status);

/// <summary>
/// POST /api/incidents/{id}/fix-agent: records <see cref="FixAgentDispatched"/>, its audit entry and the
/// <see cref="ProposeFix"/> message (Wolverine's Marten outbox) in one transaction; the runner answers on the
/// incident (fix_proposal) asynchronously.
/// </summary>
public static class FixAgentEndpoint
{
    private const int MaxAttempts = 5;

    public static async Task<IResult> Handle(string id, HttpContext http, Caller caller, IDocumentStore store, TimeProvider clock,
        IServiceScopeFactory scopes, CancellationToken ct)
    {
        Incident? incident;
        await using (var query = store.QuerySession(caller.WorkspaceId))
            incident = await IncidentAccess.LoadVisibleAsync(query, caller, id, ct);
        if (incident is null) return IncidentAccess.NotFound(id);

        var key = IncidentIds.StreamKey(incident.ProjectId, id);
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var dispatchId = SortableIds.New("fix_", now, RandomNumberGenerator.GetBytes(5));
            await using var session = store.LightweightSession(caller.WorkspaceId);
            var stream = await session.Events.FetchForWriting<IncidentTriage>(key, ct);
            stream.AppendOne(new FixAgentDispatched(id, incident.ProjectId, dispatchId, caller.Actor, now));
            session.Store(AuditEntries.New(now, incident.ProjectId, AuditActions.FixAgentDispatched, "incident:" + id, caller.Actor,
                before: incident.FixProposal is { } p ? new { dispatch_id = p.DispatchId, status = p.Status } : null,
                after: new { dispatch_id = dispatchId, status = "pending" }, RequestIds.For(http)));
            using var scope = scopes.CreateScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            outbox.Enroll(session);
            await outbox.PublishAsync(new ProposeFix(caller.WorkspaceId, incident.ProjectId, id, dispatchId));
            try
            {
                await session.SaveChangesAsync(ct);
                http.Response.Headers.Location = $"/api/incidents/{id}";
                return TypedResults.Json(new FixDispatchView(id, dispatchId, "pending"), statusCode: 202);
            }
            catch (Exception ex) when (attempt < MaxAttempts && LostRace.Is(ex))
            {
                // A concurrent change to the incident stream: dispatch again on the newer version.
            }
        }
    }
}
