using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;

namespace Tracing.Api.Incidents;

/// <summary>The one place that decides whether an incident is visible: right workspace (tenant) and project.</summary>
public static class IncidentAccess
{
    public static async Task<Incident?> LoadVisibleAsync(IQuerySession session, Caller caller, string id, CancellationToken ct)
    {
        if (!IncidentIds.IsValid(id)) return null;
        var incident = await session.LoadAsync<Incident>(id, ct);
        return incident is not null && incident.Fingerprint.Length > 0 && caller.CanSeeProject(incident.ProjectId) ? incident : null;
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string id) =>
        Problems.NotFound($"Incident '{id}' is not visible to this credential.");

    public static IResult Ok(HttpContext http, Incident incident)
    {
        http.Response.Headers.ETag = IncidentView.ETagOf(incident.Triage);
        return TypedResults.Ok(IncidentView.From(incident));
    }
}
