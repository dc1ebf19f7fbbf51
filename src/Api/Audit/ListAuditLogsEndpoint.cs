using System.Text.Json;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Api.Sessions;
using Tracing.Domain.Audit;

namespace Tracing.Api.Audit;

public sealed record AuditView(string Id, string? ProjectId, string Action, string Target, string Actor, DateTimeOffset At,
    JsonElement? Before, JsonElement? After, string? RequestId)
{
    public static AuditView From(AuditEntry e) => new(e.Id, e.ProjectId, e.Action, e.Target, e.Actor, e.At, e.Before, e.After, e.RequestId);
}

/// <summary>GET /api/audit-logs: the workspace's audit entries (narrowed to the caller's project), newest first, cursor-paged.</summary>
public static class ListAuditLogsEndpoint
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static async Task<IResult> Handle(Caller caller, IDocumentStore store, CancellationToken ct,
        string? project_id = null, string? action = null, string? target = null, string? actor = null, string? since = null,
        string? limit = null, string? cursor = null)
    {
        if (project_id is not null && !caller.CanSeeProject(project_id))
            return Problems.NotFound($"Project '{project_id}' is not visible to this credential.");
        var project = caller.ProjectId ?? project_id;
        if (!Query.TryInt(limit, DefaultLimit, 1, MaxLimit, out var take))
            return Problems.Validation("limit", $"limit must be an integer between 1 and {MaxLimit}");
        if (!Query.TryTime(since, out var from)) return Problems.Validation("since", "since must be an ISO 8601 timestamp");
        if (cursor is not null && !System.Text.RegularExpressions.Regex.IsMatch(cursor, "^aud_[0-9a-f]{22}$"))
            return Problems.Validation("cursor", "cursor is not one this API returned");

        await using var session = store.QuerySession(caller.WorkspaceId);
        IQueryable<AuditEntry> q = session.Query<AuditEntry>();
        if (project is not null) q = q.Where(x => x.ProjectId == project);
        if (action is not null) q = q.Where(x => x.Action == action);
        if (target is not null) q = q.Where(x => x.Target == target);
        if (actor is not null) q = q.Where(x => x.Actor == actor);
        if (from is { } f) q = q.Where(x => x.At >= f);
        if (cursor is not null) q = q.Where(x => x.Id.CompareTo(cursor) < 0);
        var rows = await q.OrderByDescending(x => x.Id).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).ToList();
        return TypedResults.Ok(new Page<AuditView>(page.Select(AuditView.From).ToList(), rows.Count > take ? page[^1].Id : null));
    }
}
