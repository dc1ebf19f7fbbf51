using Marten;
using Tracing.Domain.Rebuilds;

namespace Tracing.Projections.Rebuilds;

public sealed record RebuildRequest(ProjectionRebuild? Accepted, ProjectionRebuild? AlreadyActive, IReadOnlyList<string> Unknown);

/// <summary>
/// Requests and reads rebuilds. Any node (or the CLI) may request one; only the projection leader executes it
/// (RebuildRunner). At most one rebuild is active at a time: a second request while one is queued or running gets
/// that one back instead.
/// </summary>
public sealed class RebuildRequests(IDocumentStore store, AsyncProjectionCatalog catalog, RebuildWakeup wakeup, TimeProvider clock)
{
    public async Task<RebuildRequest> RequestAsync(IReadOnlyCollection<string>? names, string requestedBy, CancellationToken ct)
    {
        var wanted = names is { Count: > 0 } ? names : catalog.All.Select(p => p.Name).ToList();
        var unknown = wanted.Where(n => catalog.Find(n) is null).ToList();
        if (unknown.Count > 0) return new RebuildRequest(null, null, unknown);

        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        // Serialises concurrent requests (CLI and endpoint on several nodes) so "one active rebuild" holds.
        await session.QueryAsync<int>("select 1 from pg_advisory_xact_lock(hashtext('tracing.rebuild.request'))", ct);
        var active = await ActiveAsync(session, ct);
        if (active is not null) return new RebuildRequest(null, active, []);
        var rebuild = new ProjectionRebuild
        {
            Id = "rb_" + Guid.NewGuid().ToString("N")[..16],
            RequestedBy = requestedBy,
            RequestedAt = clock.GetUtcNow(),
            Projections = wanted.Select(n => new ProjectionRebuildProgress { Name = catalog.Find(n)!.Name }).ToList(),
        };
        session.Store(rebuild);
        await session.SaveChangesAsync(ct);
        wakeup.Raise();
        return new RebuildRequest(rebuild, null, []);
    }

    public async Task<ProjectionRebuild?> GetAsync(string id, CancellationToken ct)
    {
        await using var q = store.QuerySession();
        return await q.LoadAsync<ProjectionRebuild>(id, ct);
    }

    public async Task<ProjectionRebuild?> ActiveAsync(CancellationToken ct)
    {
        await using var q = store.QuerySession();
        return await ActiveAsync(q, ct);
    }

    private static Task<ProjectionRebuild?> ActiveAsync(IQuerySession q, CancellationToken ct) =>
        q.Query<ProjectionRebuild>()
            .Where(r => r.Status == RebuildStatus.Queued || r.Status == RebuildStatus.Running)
            .OrderBy(r => r.RequestedAt)
            .FirstOrDefaultAsync(ct);
}
