using Marten;
using Npgsql;
using Tracing.Api.Artifacts;
using Tracing.Domain.Analysis;
using Tracing.Domain.Artifacts;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Domain.Sessions;
using Tracing.Projections;
using Tracing.Projections.Analysis;
using Tracing.Projections.Databases;
using Tracing.Projections.Events;
using Tracing.Projections.Fleet;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Sessions;

/// <summary>What an erasure did: <see cref="ErasureStatus.Behind"/> means nothing was touched, ask again later.</summary>
public enum ErasureStatus { Erased, NotFound, Behind }

public sealed record ErasureResult(ErasureStatus Status, int Artifacts = 0, int ObjectsRemoved = 0);

/// <summary>
/// Erases one session (ADR 0015, 0033). Under the session's stream lock it first waits until every async projection
/// has folded the session's last event, so no daemon batch in flight can write a read model back after the erasure.
/// Then the same transaction removes
/// the event stream (the same two statements as Marten's <c>DeleteSingleEventStreamAsync</c>, inside our transaction so
/// the erasure is all or nothing), the head, summary and analysis, the artifact records, the session's share of the
/// fleet read model (search rows, rollups), appends <see cref="IncidentSessionErased"/> to every incident that counted
/// the session, and writes the audit entry. Artifact objects no record in any workspace shares go last.
/// </summary>
public sealed class SessionEraser(IDocumentStore store, IArtifactStore objects, ProjectionProgress progress,
    WorkspaceDatabases databases, TracingStoreSettings settings, ErasureOptions options, TimeProvider clock)
{
    private const int PageSize = 1000;

    public async Task<ErasureResult> EraseAsync(string workspace, string project, string sessionId, string actor, string? requestId,
        CancellationToken ct)
    {
        var s = settings.Schema;
        var key = SessionIds.StreamKey(project, sessionId);
        var fleet = new FleetErasure(s, settings.Prices, workspace, key);
        var incidents = new SortedSet<string>(StringComparer.Ordinal);
        List<Artifact> artifacts;
        var now = clock.GetUtcNow();
        await using (var session = store.LightweightSession(workspace))
        {
            // The stream row stays locked (FetchForExclusiveWriting) until the commit: no append (ingest, the automatic
            // analysis) can slip in, so the last event read next is the last one, and once the daemon has folded it no
            // batch in flight can write a read model back after the erasure. Writers of this session wait on the lock
            // for at most the daemon wait, then find no session.
            var stream = await session.Events.FetchForExclusiveWriting<SessionHead>(key, ct);
            if (stream.Aggregate is null) return new ErasureResult(ErasureStatus.NotFound);
            if (!await DaemonPassedAsync(workspace, await LastSequenceAsync(workspace, key, ct), ct))
                return new ErasureResult(ErasureStatus.Behind); // disposing the session rolls back and releases the lock

            // Page through the stream (a long session is never held whole): the fleet share and the incidents it fed.
            for (long from = 1; ; from += PageSize)
            {
                var page = await session.Events.FetchStreamAsync(key, from + PageSize - 1, null, from, ct);
                fleet.Fold(page);
                foreach (var e in page)
                    if (e.Data is AnalysisCompleted a)
                        foreach (var f in FindingObserved.From(a)) incidents.Add(f.IncidentId);
                if (page.Count < PageSize) break;
            }
            artifacts = (await session.Query<Artifact>().Where(a => a.ProjectId == project && a.SessionId == sessionId).ToListAsync(ct)).ToList();

            session.QueueSqlCommand($"delete from {s}.mt_events where stream_id = ? and tenant_id = ?", key, workspace);
            session.QueueSqlCommand($"delete from {s}.mt_streams where id = ? and tenant_id = ?", key, workspace);
            session.Delete<SessionHead>(key);
            session.Delete<SessionSummary>(key);
            session.Delete<AnalysisView>(key);
            foreach (var a in artifacts) session.Delete(a);
            fleet.QueueRemoval(session, project, sessionId);
            foreach (var incident in incidents)
                session.Events.Append(IncidentIds.StreamKey(project, incident), new IncidentSessionErased(incident, project, sessionId, actor, now));
            session.Store(AuditEntries.New(now, project, AuditActions.TraceDeleted, "trace:" + sessionId, actor,
                before: new { artifacts = artifacts.Count, incidents = incidents.Count }, after: null, requestId));
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
        return new ErasureResult(ErasureStatus.Erased, artifacts.Count, removed);
    }

    /// <summary>The global sequence of the stream's last event (read under the stream lock, so it is the last one).</summary>
    private async Task<long> LastSequenceAsync(string workspace, string key, CancellationToken ct)
    {
        await using var cmd = databases.For(workspace).CreateCommand(
            $"select coalesce(max(seq_id), 0) from {settings.Schema}.mt_events where stream_id = $1 and tenant_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        cmd.Parameters.Add(new NpgsqlParameter { Value = workspace });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Waits (bounded by <see cref="ErasureOptions.WaitSeconds"/>) until the slowest async projection has passed
    /// <paramref name="sequence"/>. A poll of one small query: the daemon may run on another node, so there is no
    /// in-process signal to wait on.
    /// </summary>
    private async Task<bool> DaemonPassedAsync(string workspace, long sequence, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(options.WaitSeconds);
        while (true)
        {
            if ((await progress.MeasureForAsync(workspace, ct)).Slowest >= sequence) return true;
            if (clock.GetUtcNow() >= deadline) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, ct);
        }
    }
}

/// <summary><c>Tracing:Erasure:WaitSeconds</c> (15): how long an erasure waits for the daemon before answering 503.</summary>
public sealed record ErasureOptions(int WaitSeconds)
{
    public static ErasureOptions From(IConfiguration config) =>
        new(Math.Max(0, config.GetValue("Tracing:Erasure:WaitSeconds", 15)));
}
