using Marten;
using Tracing.Api.Artifacts;
using Tracing.Domain.Artifacts;
using Tracing.Domain.Audit;
using Tracing.Domain.Sessions;
using Tracing.Projections.Analysis;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Sessions;

/// <summary>
/// Erases one session: its event stream (Marten's <c>DeleteSingleEventStreamAsync</c>, a hard delete of the stream's
/// events and stream row, not archiving), its read models (head, summary, analysis), its artifact records and the
/// artifact objects no other record shares, with an audit entry saying who asked (ADR 0015). Events go first, so an
/// interrupted erasure is finished by asking again (the head is still there to find).
/// </summary>
public sealed class SessionEraser(IDocumentStore store, IArtifactStore objects, TimeProvider clock)
{
    public sealed record Erased(int Artifacts, int ObjectsRemoved);

    public async Task<Erased?> EraseAsync(string workspace, string project, string sessionId, string actor, string? requestId,
        CancellationToken ct)
    {
        var key = SessionIds.StreamKey(project, sessionId);
        List<Artifact> artifacts;
        await using (var query = store.QuerySession(workspace))
        {
            if (await query.LoadAsync<SessionHead>(key, ct) is null) return null;
            artifacts = (await query.Query<Artifact>().Where(a => a.ProjectId == project && a.SessionId == sessionId).ToListAsync(ct)).ToList();
        }

        await store.Advanced.Clean.DeleteSingleEventStreamAsync(key, workspace, ct);

        var now = clock.GetUtcNow();
        await using (var session = store.LightweightSession(workspace))
        {
            session.Delete<SessionHead>(key);
            session.Delete<SessionSummary>(key);
            session.Delete<AnalysisView>(key);
            foreach (var a in artifacts) session.Delete(a);
            session.Store(AuditEntries.New(now, project, AuditActions.TraceDeleted, "trace:" + sessionId, actor,
                before: new { artifacts = artifacts.Count }, after: null, requestId));
            await session.SaveChangesAsync(ct);
        }

        // Objects are content-addressed and shared by identical uploads: remove one only when no record (in any
        // workspace) still points at it.
        var removed = 0;
        foreach (var path in artifacts.Select(a => a.StoragePath).Distinct())
        {
            await using var check = store.QuerySession();
            var stillUsed = await check.Query<Artifact>().Where(a => a.AnyTenant() && a.StoragePath == path).AnyAsync(ct);
            if (!stillUsed && await objects.DeleteAsync(path, ct)) removed++;
        }
        return new Erased(artifacts.Count, removed);
    }
}
