using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;
using Tracing.Workers.Incidents;
using Wolverine;

namespace Tracing.Api.Incidents;

/// <summary>
/// PATCH /api/incidents/{id}: status and owner by JSON merge patch, with optimistic concurrency (If-Match on the
/// incident's ETag). Parses the body and sends <see cref="TriageIncident"/>, which decides against the incident's own
/// stream and commits its events and audit entry in one transaction. The answer is the read model with the triage part
/// the command returned (the write model's fold): the API folds no events.
/// </summary>
public static class PatchIncidentEndpoint
{
    public const long MaxBody = 16 * 1024;

    public static async Task<IResult> Handle(string id, HttpContext http, Caller caller, IDocumentStore store, IMessageBus bus,
        CancellationToken ct)
    {
        Incident? incident;
        await using (var query = store.QuerySession(caller.WorkspaceId))
            if ((incident = await IncidentAccess.LoadVisibleAsync(query, caller, id, ct)) is null) return IncidentAccess.NotFound(id);

        var (doc, problem) = await JsonBody.ReadAsync(http.Request, MaxBody, ct, "application/merge-patch+json", "application/json");
        if (problem is not null) return problem;
        using var _ = doc;
        var (patch, invalid) = IncidentPatch.Parse(doc!.RootElement);
        if (invalid is not null) return Problems.Validation(invalid.Field, invalid.Message);

        var outcome = await bus.InvokeForTenantAsync<TriageOutcome>(caller.WorkspaceId, new TriageIncident(caller.WorkspaceId,
            incident.ProjectId, id, patch!, http.Request.Headers.IfMatch.ToString(), caller.Actor, RequestIds.For(http)), ct);
        if (outcome.Stale) return Stale(IncidentView.ETagOf(outcome.Triage));
        return IncidentAccess.Ok(http, incident.WithTriage(outcome.Triage));
    }

    private static IResult Stale(string current) =>
        Problems.Problem(412, "precondition-failed", "Precondition failed",
            "If-Match does not match the incident's current ETag: read it again and re-apply the change.",
            new Dictionary<string, object?> { ["etag"] = current });
}
