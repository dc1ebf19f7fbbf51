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

public sealed record FixAnswerView(string IncidentId, string DispatchId, string Status, string Mode, string? Reason,
    string Plan, string Diff, string ConfigSha256, DateTimeOffset ProposedAt)
{
    public static FixAnswerView From(FixProposed p) =>
        new(p.IncidentId, p.DispatchId, "proposed", p.Mode, p.Reason, p.Plan, p.Diff, p.ConfigSha256, p.At);
}

/// <summary>
/// POST /api/incidents/{id}/fix-agent: dispatches the fix agent and answers with its plan and diff (200, mode
/// <c>model</c> or the labelled <c>fallback</c>) when it lands within <see cref="FixAgentOptions.Wait"/>, else 202 with
/// a Location to poll. At most one dispatch is pending per incident: a request while one is pending joins it (model
/// calls are paid). A new dispatch records <see cref="FixAgentDispatched"/>, its audit entry and the
/// <see cref="ProposeFix"/> message (Wolverine's Marten outbox) in one transaction.
/// </summary>
public static class FixAgentEndpoint
{
    private const int MaxAttempts = 5;

    public static async Task<IResult> Handle(string id, HttpContext http, Caller caller, IDocumentStore store, TimeProvider clock,
        IServiceScopeFactory scopes, FixAgentOptions options, FixProposalWaiter waiter, CancellationToken ct)
    {
        Incident? incident;
        await using (var query = store.QuerySession(caller.WorkspaceId))
            incident = await IncidentAccess.LoadVisibleAsync(query, caller, id, ct);
        if (incident is null) return IncidentAccess.NotFound(id);

        var key = IncidentIds.StreamKey(incident.ProjectId, id);
        var dispatchId = await DispatchOnceAsync(id, http, caller, store, clock, scopes, options, incident, key, ct);
        var proposed = await waiter.WaitAsync(caller.WorkspaceId, key, dispatchId, options.Wait, ct);
        if (proposed is not null) return TypedResults.Ok(FixAnswerView.From(proposed));
        http.Response.Headers.Location = $"/api/incidents/{id}";
        return TypedResults.Json(new FixDispatchView(id, dispatchId, "pending"), statusCode: 202);
    }

    /// <summary>The pending dispatch of the incident, or a new one. Racing requests serialise on the stream version.</summary>
    private static async Task<string> DispatchOnceAsync(string id, HttpContext http, Caller caller, IDocumentStore store,
        TimeProvider clock, IServiceScopeFactory scopes, FixAgentOptions options, Incident incident, string key, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            await using var session = store.LightweightSession(caller.WorkspaceId);
            var stream = await session.Events.FetchForWriting<IncidentTriage>(key, ct);
            if (stream.Aggregate is { PendingDispatches: [.., var pending], PendingSince: { } since } && now - since < options.PendingStaleAfter)
                return pending;

            var dispatchId = SortableIds.New("fix_", now, RandomNumberGenerator.GetBytes(5));
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
                return dispatchId;
            }
            catch (Exception ex) when (attempt < MaxAttempts && LostRace.Is(ex))
            {
                // A concurrent change to the incident stream (perhaps a racing dispatch): look again on the newer version.
            }
        }
    }
}
