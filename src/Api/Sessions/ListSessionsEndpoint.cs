using System.Globalization;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Sessions;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Sessions;

/// <summary>GET /api/sessions: the caller's sessions, newest first, cursor-paged.</summary>
public static class ListSessionsEndpoint
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static async Task<IResult> Handle(
        Caller caller, IDocumentStore store, CancellationToken ct,
        string? project_id = null, string? status = null, string? agent = null,
        string? since = null, string? until = null, string? limit = null, string? cursor = null)
    {
        var project = caller.ProjectId;
        if (project_id is not null && !caller.CanSeeProject(project_id))
            return Problems.NotFound($"Project '{project_id}' is not visible to this credential.");
        project ??= project_id;

        if (status is not null && status is not (SessionStatus.Active or SessionStatus.Ended or SessionStatus.Failed))
            return Problems.Validation("status", "status must be one of: active, ended, failed");
        if (!Query.TryInt(limit, DefaultLimit, 1, MaxLimit, out var take))
            return Problems.Validation("limit", $"limit must be an integer between 1 and {MaxLimit}");
        if (!Query.TryTime(since, out var from)) return Problems.Validation("since", "since must be an ISO 8601 timestamp");
        if (!Query.TryTime(until, out var to)) return Problems.Validation("until", "until must be an ISO 8601 timestamp");
        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
                return Problems.Validation("cursor", "cursor is not one this API returned");
            before = c;
        }

        await using var session = store.QuerySession(caller.WorkspaceId);
        IQueryable<SessionSummary> q = session.Query<SessionSummary>();
        if (project is not null) q = q.Where(x => x.ProjectId == project);
        if (status is not null) q = q.Where(x => x.Status == status);
        if (agent is not null) q = q.Where(x => x.Agent == agent);
        if (from is { } f) q = q.Where(x => x.CreatedAt >= f);
        if (to is { } t) q = q.Where(x => x.CreatedAt < t);
        if (before is { } b) q = q.Where(x => x.CreatedPosition < b);

        var rows = await q.OrderByDescending(x => x.CreatedPosition).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? page[^1].CreatedPosition.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new Page<SessionView>(page.Select(SessionView.From).ToList(), next));
    }
}
