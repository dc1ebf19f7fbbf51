using Marten;
using Tracing.Api.Access;

namespace Tracing.Api.Incidents;

/// <summary>GET /api/incidents/{id}: one incident, with its ETag.</summary>
public static class GetIncidentEndpoint
{
    public static async Task<IResult> Handle(string id, HttpContext http, Caller caller, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.WorkspaceId);
        var incident = await IncidentAccess.LoadVisibleAsync(session, caller, id, ct);
        return incident is null ? IncidentAccess.NotFound(id) : IncidentAccess.Ok(http, incident);
    }
}
