using Tracing.Domain;
using System.Security.Cryptography;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Audit;
using Tracing.Domain.Regression;
using Tracing.Domain.Sessions;
using Tracing.Projections.Sessions;
using Tracing.Workers.Incidents;
using Wolverine;

namespace Tracing.Api.Incidents;

/// <summary>
/// POST /api/incidents/{id}/regression-runs (202 + Location) and GET .../regression-runs/{run_id}. The run document,
/// its audit entry and the <see cref="RunRegression"/> message commit together (<see cref="StartRegressionRun"/>).
/// </summary>
public static class RegressionRunEndpoints
{
    public const long MaxBody = 64 * 1024;
    /// <summary>At most this many sessions are taken for <c>after.since</c> (the earliest created first).</summary>
    public const int MaxSinceSessions = 200;

    public static async Task<IResult> Create(string id, HttpContext http, Caller caller, IDocumentStore store, TimeProvider clock,
        RegressionOptions options, IMessageBus bus, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.WorkspaceId);
        var incident = await IncidentAccess.LoadVisibleAsync(session, caller, id, ct);
        if (incident is null) return IncidentAccess.NotFound(id);

        var (doc, problem) = await JsonBody.ReadAsync(http.Request, MaxBody, ct);
        if (problem is not null) return problem;
        using var _ = doc;
        var (request, field, error) = RegressionRequest.Parse(doc!.RootElement);
        if (request is null) return Problems.Validation(field!, error!);

        var before = incident.Samples.Select(s => s.SessionId).ToList();
        List<string> after;
        if (request.SessionIds is { } ids)
        {
            var keys = ids.Select(s => SessionIds.StreamKey(incident.ProjectId, s)).ToArray();
            var found = (await session.LoadManyAsync<SessionHead>(ct, keys)).Select(h => h.SessionId).ToHashSet(StringComparer.Ordinal);
            var missing = ids.Where(s => !found.Contains(s)).ToList();
            if (missing.Count > 0)
                return Problems.Validation("after.session_ids", "sessions not visible to this credential: " + string.Join(", ", missing.Take(10)));
            // Named sessions are after-sessions, whether or not the incident projection has absorbed them yet: the
            // before phase is the incident's sessions minus these, so its timing cannot move them (issue 13, item 8).
            after = [.. ids];
            before = before.Where(s => !after.Contains(s)).ToList();
        }
        else
        {
            var since = request.Since!.Value;
            after = (await session.Query<SessionHead>()
                .Where(h => h.ProjectId == incident.ProjectId && h.CreatedAt >= since)
                .OrderBy(h => h.CreatedAt).Take(MaxSinceSessions + before.Count)
                .Select(h => h.SessionId).ToListAsync(ct)).ToList();
            // A time window: the incident's own known-bad sessions stay the baseline.
            after = after.Where(s => !before.Contains(s)).Take(MaxSinceSessions).ToList();
        }

        var now = clock.GetUtcNow();
        var run = new RegressionRun
        {
            Id = SortableIds.New("rr_", now, RandomNumberGenerator.GetBytes(5)), WorkspaceId = caller.WorkspaceId, IncidentId = id,
            ProjectId = incident.ProjectId, Fingerprint = incident.Fingerprint, BeforeSessions = before, AfterSessions = after,
            AfterSince = request.Since, MinAfterSessions = options.MinAfterSessions, RequestedBy = caller.Actor, RequestedAt = now,
            UpdatedAt = now,
        };
        await bus.InvokeForTenantAsync(caller.WorkspaceId, new StartRegressionRun(run, AuditEntries.New(now, incident.ProjectId,
            AuditActions.RegressionRunRequested, "regression_run:" + run.Id, caller.Actor, before: null,
            after: new { incident_id = id, status = run.Status, before_sessions = before.Count, after_sessions = after.Count },
            RequestIds.For(http))), ct);

        http.Response.Headers.Location = Location(id, run.Id);
        return TypedResults.Json(RegressionRunView.From(run), statusCode: 202);
    }

    public static async Task<IResult> Get(string id, string run_id, Caller caller, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.WorkspaceId);
        var run = await session.LoadAsync<RegressionRun>(run_id, ct);
        return run is null || run.IncidentId != id || !caller.CanSeeProject(run.ProjectId)
            ? Problems.NotFound($"Regression run '{run_id}' of incident '{id}' is not visible to this credential.")
            : TypedResults.Ok(RegressionRunView.From(run));
    }

    public static string Location(string incidentId, string runId) => $"/api/incidents/{incidentId}/regression-runs/{runId}";
}

public sealed record RegressionRunView(
    string Id, string IncidentId, string ProjectId, string Status, string? Verdict, string? Reason,
    PhaseCounts Before, PhaseCounts After, int MinAfterSessions, IReadOnlyList<string> BeforeSessions,
    IReadOnlyList<string> AfterSessions, DateTimeOffset? AfterSince, IReadOnlyList<SessionReplay> Sessions,
    string? DetectorVersion, int Attempts, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt)
{
    public static RegressionRunView From(RegressionRun r)
    {
        var counts = RegressionVerdict.Decide(r.Results, r.MinAfterSessions);
        return new(r.Id, r.IncidentId, r.ProjectId, r.Status, r.Verdict, r.VerdictReason, counts.Before, counts.After,
            r.MinAfterSessions, r.BeforeSessions, r.AfterSessions, r.AfterSince, r.Results, r.DetectorVersion, r.Attempts,
            r.RequestedBy, r.RequestedAt, r.StartedAt, r.CompletedAt);
    }
}
