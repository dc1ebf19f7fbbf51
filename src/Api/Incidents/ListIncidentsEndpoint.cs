using System.Globalization;
using System.Text;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Api.Sessions;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;

namespace Tracing.Api.Incidents;

/// <summary>GET /api/incidents: the caller's incidents, most recently seen (or most frequent) first, cursor-paged.</summary>
public static class ListIncidentsEndpoint
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static async Task<IResult> Handle(
        Caller caller, IDocumentStore store, CancellationToken ct,
        string? project_id = null, string? status = null, string? owner = null, string? detector = null,
        string? since = null, string? sort = null, string? limit = null, string? cursor = null)
    {
        if (project_id is not null && !caller.CanSeeProject(project_id))
            return Problems.NotFound($"Project '{project_id}' is not visible to this credential.");
        var project = caller.ProjectId ?? project_id;
        if (status is not null && !IncidentStatus.IsValid(status))
            return Problems.Validation("status", "status must be one of: " + string.Join(", ", IncidentStatus.All));
        sort ??= "last_seen";
        if (sort is not ("last_seen" or "occurrences"))
            return Problems.Validation("sort", "sort must be last_seen or occurrences");
        if (!Query.TryInt(limit, DefaultLimit, 1, MaxLimit, out var take))
            return Problems.Validation("limit", $"limit must be an integer between 1 and {MaxLimit}");
        if (!Query.TryTime(since, out var from)) return Problems.Validation("since", "since must be an ISO 8601 timestamp");
        (long Value, string Id)? after = null;
        if (cursor is not null)
        {
            if (Cursor.Read(cursor, sort) is not { } c) return Problems.Validation("cursor", "cursor is not one this API returned for this sort");
            after = c;
        }

        await using var session = store.QuerySession(caller.WorkspaceId);
        IQueryable<Incident> q = session.Query<Incident>().Where(x => x.Fingerprint != "");
        if (project is not null) q = q.Where(x => x.ProjectId == project);
        if (status is not null) q = q.Where(x => x.Triage.Status == status);
        if (owner is not null) q = q.Where(x => x.Triage.Owner == owner);
        if (detector is not null) q = q.Where(x => x.Detector == detector);
        if (from is { } f) q = q.Where(x => x.LastSeenAt >= f);

        if (sort == "occurrences")
        {
            if (after is var (v, id)) q = q.Where(x => x.Occurrences < v || (x.Occurrences == v && x.Id.CompareTo(id) < 0));
            q = q.OrderByDescending(x => x.Occurrences).ThenByDescending(x => x.Id);
        }
        else
        {
            if (after is var (v, id)) q = q.Where(x => x.LastSeenMs < v || (x.LastSeenMs == v && x.Id.CompareTo(id) < 0));
            q = q.OrderByDescending(x => x.LastSeenMs).ThenByDescending(x => x.Id);
        }
        var rows = await q.Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? Cursor.Write(sort, sort == "occurrences" ? page[^1].Occurrences : page[^1].LastSeenMs, page[^1].Id) : null;
        return TypedResults.Ok(new Page<IncidentView>(page.Select(IncidentView.From).ToList(), next));
    }

    /// <summary>Opaque keyset cursor: the sort, the last item's sort value and its id.</summary>
    private static class Cursor
    {
        public static string Write(string sort, long value, string id) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sort}|{value.ToString(CultureInfo.InvariantCulture)}|{id}"))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static (long, string)? Read(string cursor, string sort)
        {
            try
            {
                var b64 = cursor.Replace('-', '+').Replace('_', '/');
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
                var parts = text.Split('|');
                return parts.Length == 3 && parts[0] == sort && IncidentIds.IsValid(parts[2]) &&
                       long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                    ? (v, parts[2]) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
