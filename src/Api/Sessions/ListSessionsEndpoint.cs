using System.Globalization;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Sessions;
using Tracing.Projections.Events;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Sessions;

/// <summary>
/// GET /api/sessions: the caller's sessions, newest first, cursor-paged; filters project, status, agent, since/until,
/// has_errors (an error event or failed status) and q (free text over id, agent and name). The page says which log
/// position it reflects (<c>as_of_position</c>): a live stream opened with <c>after_seq</c> at it misses no change (ADR 0044).
/// </summary>
public static class ListSessionsEndpoint
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxTextLength = 200;

    public static async Task<IResult> Handle(
        Caller caller, IDocumentStore store, ShardProgress progress, CancellationToken ct,
        string? project_id = null, string? status = null, string? agent = null,
        string? since = null, string? until = null, string? limit = null, string? cursor = null,
        string? has_errors = null, string? q = null)
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
        if (has_errors is not null and not ("true" or "false"))
            return Problems.Validation("has_errors", "has_errors must be true or false");
        var text = q?.Trim();
        if (text is { Length: 0 or > MaxTextLength })
            return Problems.Validation("q", $"q must be 1 to {MaxTextLength} characters");
        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
                return Problems.Validation("cursor", "cursor is not one this API returned");
            before = c;
        }

        // Read before the list: every change up to it is in what the query below sees (read committed, a later snapshot).
        var asOf = await progress.PositionOfAsync<SessionSummary>(caller.WorkspaceId, ct);
        await using var session = store.QuerySession(caller.WorkspaceId);
        IQueryable<SessionSummary> query = session.Query<SessionSummary>();
        if (project is not null) query = query.Where(x => x.ProjectId == project);
        if (status is not null) query = query.Where(x => x.Status == status);
        if (agent is not null) query = query.Where(x => x.Agent == agent);
        if (from is { } f) query = query.Where(x => x.CreatedAt >= f);
        if (to is { } t) query = query.Where(x => x.CreatedAt < t);
        // Filtered in the query, before the page is cut, so a filtered list pages exactly like an unfiltered one.
        if (has_errors == "true") query = query.Where(x => x.ErrorCount > 0 || x.Status == SessionStatus.Failed);
        if (has_errors == "false") query = query.Where(x => x.ErrorCount == 0 && x.Status != SessionStatus.Failed);
        // Case-insensitive substring of the id, agent or name (Marten escapes LIKE wildcards in the value).
        if (text is not null)
            query = query.Where(x => x.SessionId.Contains(text, StringComparison.OrdinalIgnoreCase) ||
                                     x.Agent!.Contains(text, StringComparison.OrdinalIgnoreCase) ||
                                     x.Name!.Contains(text, StringComparison.OrdinalIgnoreCase));
        if (before is { } b) query = query.Where(x => x.CreatedPosition < b);

        var rows = await query.OrderByDescending(x => x.CreatedPosition).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? page[^1].CreatedPosition.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new SessionPage(page.Select(SessionView.From).ToList(), next, asOf));
    }
}

/// <summary>A page of sessions and the log position it reflects: follow <c>GET /api/stream?after_seq={AsOfPosition}</c> from it.</summary>
public sealed record SessionPage(IReadOnlyList<SessionView> Data, string? NextCursor, long AsOfPosition);
