using System.Security.Cryptography;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;
using Tracing.Workers.Incidents;
using Wolverine;

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
/// <see cref="ProposeFix"/> message (Wolverine's Marten outbox) in one transaction: the <see cref="DispatchFixAgent"/> command.
/// </summary>
public static class FixAgentEndpoint
{
    public static async Task<IResult> Handle(string id, HttpContext http, Caller caller, IDocumentStore store, IMessageBus bus,
        FixAgentOptions options, FixProposalWaiter waiter, CancellationToken ct)
    {
        Incident? incident;
        await using (var query = store.QuerySession(caller.WorkspaceId))
            incident = await IncidentAccess.LoadVisibleAsync(query, caller, id, ct);
        if (incident is null) return IncidentAccess.NotFound(id);

        var dispatch = await bus.InvokeForTenantAsync<FixDispatch>(caller.WorkspaceId, new DispatchFixAgent(caller.WorkspaceId,
            incident.ProjectId, id, caller.Actor, RequestIds.For(http), options.PendingStaleAfter, RandomNumberGenerator.GetBytes(5)), ct);
        var key = IncidentIds.StreamKey(incident.ProjectId, id);
        var proposed = await waiter.WaitAsync(caller.WorkspaceId, key, dispatch.DispatchId, options.Wait, ct);
        if (proposed is not null) return TypedResults.Ok(FixAnswerView.From(proposed));
        http.Response.Headers.Location = $"/api/incidents/{id}";
        return TypedResults.Json(new FixDispatchView(id, dispatch.DispatchId, "pending"), statusCode: 202);
    }
}
