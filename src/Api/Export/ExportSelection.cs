using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Sessions;
using Tracing.Projections.Incidents;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Export;

/// <summary>The sessions an export covers, in a stable order (creation position), capped, with the filters that chose them.</summary>
public sealed record ExportSelection(IReadOnlyList<SessionSummary> Sessions, long TotalAvailable, bool CappedBySessions,
    IReadOnlyDictionary<string, string> Filters);

/// <summary>The filters of GET /api/export/sessions: those of GET /api/sessions plus incident_id.</summary>
public sealed record ExportFilters(string? ProjectId, string? Status, string? Agent, string? Since, string? Until, string? IncidentId)
{
    public IEnumerable<(string Name, string? Value)> All =>
        [("project_id", ProjectId), ("status", Status), ("agent", Agent), ("since", Since), ("until", Until), ("incident_id", IncidentId)];
}

public static class ExportSelections
{
    /// <summary>The filters of GET /api/sessions plus incident_id; a problem for a bad or out-of-scope value.</summary>
    public static async Task<(ExportSelection? Selection, IResult? Problem)> FromQueryAsync(
        Caller caller, IDocumentStore store, ExportOptions options, ExportFilters given, CancellationToken ct)
    {
        string? Q(string name) => given.All.First(f => f.Name == name).Value;
        var filters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in given.All)
            if (value is not null) filters[name] = value;

        if (ProjectWall.Check(caller, Q("project_id")) is { } denied) return (null, denied);
        var project = Q("project_id") ?? caller.ProjectId;
        var status = Q("status");
        if (status is not null && status is not (SessionStatus.Active or SessionStatus.Ended or SessionStatus.Failed))
            return (null, Problems.Validation("status", "status must be one of: active, ended, failed"));
        if (!Query.TryTime(Q("since"), out var from)) return (null, Problems.Validation("since", "since must be an ISO 8601 timestamp"));
        if (!Query.TryTime(Q("until"), out var to)) return (null, Problems.Validation("until", "until must be an ISO 8601 timestamp"));

        await using var session = store.QuerySession(caller.WorkspaceId);
        IQueryable<SessionSummary> q = session.Query<SessionSummary>();
        if (Q("incident_id") is { } incidentId)
        {
            var incident = await session.LoadAsync<Incident>(incidentId, ct);
            if (incident is null || (project is not null && incident.ProjectId != project))
                return (null, Problems.NotFound($"Incident '{incidentId}' is not visible to this credential."));
            var ids = incident.Sessions.Select(s => s.SessionId).ToArray();
            var incidentProject = incident.ProjectId;
            q = q.Where(x => x.ProjectId == incidentProject && ids.Contains(x.SessionId));
        }
        if (project is not null) q = q.Where(x => x.ProjectId == project);
        if (status is not null) q = q.Where(x => x.Status == status);
        if (Q("agent") is { } agent) q = q.Where(x => x.Agent == agent);
        if (from is { } f) q = q.Where(x => x.CreatedAt >= f);
        if (to is { } t) q = q.Where(x => x.CreatedAt < t);

        var total = await q.CountAsync(ct);
        var rows = await q.OrderBy(x => x.CreatedPosition).Take(options.MaxSessions).ToListAsync(ct);
        return (new ExportSelection(rows, total, total > rows.Count, filters), null);
    }
}
