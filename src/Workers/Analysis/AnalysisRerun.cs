using System.Diagnostics;
using Marten;
using Tracing.Domain.Access;
using Tracing.Projections.Sessions;

namespace Tracing.Workers.Analysis;

public sealed record RerunScope(string? WorkspaceId = null, string? ProjectId = null, DateTimeOffset? Since = null);

public sealed record RerunReport(int Sessions, int Recorded, TimeSpan Elapsed, string DetectorVersion)
{
    public double SessionsPerSecond => Elapsed.TotalSeconds > 0 ? Sessions / Elapsed.TotalSeconds : Sessions;
}

/// <summary>
/// Re-analyses stored sessions with the current detector set (after a detector or threshold change). Each new
/// result is an AnalysisCompleted event, so the analysis read model follows incrementally while the API serves.
/// </summary>
public sealed class AnalysisRerun(IDocumentStore store, SessionAnalyzer analyzer)
{
    /// <param name="progress">Sessions done of the total in scope, after each one (the CLI's progress bar).</param>
    public async Task<RerunReport> RunAsync(RerunScope scope, CancellationToken ct, IProgress<(int Done, int Total)>? progress = null)
    {
        var watch = Stopwatch.StartNew();
        var todo = new List<(string Workspace, SessionHead Head)>();
        foreach (var workspace in await WorkspacesAsync(scope, ct))
        {
            await using var query = store.QuerySession(workspace);
            IQueryable<SessionHead> heads = query.Query<SessionHead>();
            if (scope.ProjectId is not null) heads = heads.Where(h => h.ProjectId == scope.ProjectId);
            if (scope.Since is { } since) heads = heads.Where(h => h.CreatedAt >= since);
            todo.AddRange((await heads.OrderBy(h => h.CreatedAt).ToListAsync(ct)).Select(h => (workspace, h)));
        }
        int sessions = 0, recorded = 0;
        progress?.Report((0, todo.Count));
        foreach (var (workspace, head) in todo)
        {
            var outcome = await analyzer.AnalyzeAsync(
                new AnalyzeSession(workspace, head.ProjectId, head.SessionId, "rerun", "operator"), ct);
            sessions++;
            if (outcome.Recorded) recorded++;
            progress?.Report((sessions, todo.Count));
        }
        return new RerunReport(sessions, recorded, watch.Elapsed, analyzer.Detectors.Version);
    }

    private async Task<IReadOnlyList<string>> WorkspacesAsync(RerunScope scope, CancellationToken ct)
    {
        if (scope.WorkspaceId is not null) return [scope.WorkspaceId];
        await using var query = store.QuerySession();
        return (await query.Query<Workspace>().Select(w => w.Id).ToListAsync(ct)).Order(StringComparer.Ordinal).ToList();
    }
}
