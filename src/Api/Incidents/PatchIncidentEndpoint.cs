using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Projections;
using Tracing.Projections.Audit;
using Tracing.Projections.Incidents;

namespace Tracing.Api.Incidents;

/// <summary>
/// PATCH /api/incidents/{id}: status and owner by JSON merge patch, with optimistic concurrency (If-Match on the
/// incident stream version and the reopen count). The change is events on the incident stream plus an audit entry, in one transaction.
/// The answer is computed, not read back from the async read model: the read model as loaded, caught up with the
/// incident stream events it has not folded yet, plus the new events, all through the projection's own fold methods.
/// </summary>
public static class PatchIncidentEndpoint
{
    public const long MaxBody = 16 * 1024;
    private const int MaxAttempts = 5;

    public static async Task<IResult> Handle(string id, HttpContext http, Caller caller, IDocumentStore store, TimeProvider clock,
        CancellationToken ct)
    {
        await using (var query = store.QuerySession(caller.WorkspaceId))
            if (await IncidentAccess.LoadVisibleAsync(query, caller, id, ct) is null) return IncidentAccess.NotFound(id);

        var (doc, problem) = await JsonBody.ReadAsync(http.Request, MaxBody, ct, "application/merge-patch+json", "application/json");
        if (problem is not null) return problem;
        using var _ = doc;
        var (patch, invalid) = IncidentPatch.Parse(doc!.RootElement);
        if (invalid is not null) return Problems.Validation(invalid.Field, invalid.Message);

        var ifMatch = http.Request.Headers.IfMatch.ToString();
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(caller.WorkspaceId);
            var incident = await session.LoadAsync<Incident>(id, ct);
            var key = IncidentIds.StreamKey(incident!.ProjectId, id);
            var stream = await session.Events.FetchForWriting<IncidentTriage>(key, ct);
            var version = stream.CurrentVersion ?? 0;
            if (incident.StreamVersion < version)
                IncidentStreamFold.Apply(incident, await session.Events.FetchStreamAsync(key, 0, null, incident.StreamVersion + 1, ct));
            if (ifMatch.Length > 0 && !ETags.Matches(ifMatch, version, incident.Reopens)) return Stale(ETags.For(version, incident.Reopens));
            var before = new { status = incident.Status, owner = incident.Owner };
            var now = clock.GetUtcNow();
            var events = IncidentTriageDecision.Decide(id, incident.ProjectId, incident.Status, incident.Owner, patch!, caller.Actor, now);
            if (events.Count == 0) return IncidentAccess.Ok(http, incident);

            stream.AppendMany(events);
            foreach (var e in events) IncidentStreamFold.Apply(incident, e, ++version);
            session.Store(AuditEntries.New(now, incident.ProjectId, AuditActions.IncidentUpdated, "incident:" + id, caller.Actor,
                before, new { status = incident.Status, owner = incident.Owner }, RequestIds.For(http)));
            try
            {
                await session.SaveChangesAsync(ct);
                return IncidentAccess.Ok(http, incident);
            }
            catch (Exception ex) when (LostRace.Is(ex))
            {
                // Someone changed the incident between our read and our commit.
                if (ifMatch.Length > 0) return Stale(null);
                if (attempt >= MaxAttempts) throw;
            }
        }
    }

    private static IResult Stale(string? current) =>
        Problems.Problem(412, "precondition-failed", "Precondition failed",
            "If-Match does not match the incident's current ETag: read it again and re-apply the change.",
            current is null ? null : new Dictionary<string, object?> { ["etag"] = current });
}
