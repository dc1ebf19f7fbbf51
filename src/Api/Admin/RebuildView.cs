using Tracing.Domain.Rebuilds;

namespace Tracing.Api.Admin;

public sealed record RebuildProjectionView(string Name, string Phase, long Processed, long Target, double EventsPerSecond,
    double? EtaSeconds, double? ElapsedSeconds);

/// <summary>A rebuild as the admin API shows it: status, executing node and per-projection progress, rate and ETA.</summary>
public sealed record RebuildView(string Id, string Status, string? Node, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, string? Error, IReadOnlyList<RebuildProjectionView> Projections)
{
    public static RebuildView From(ProjectionRebuild r) =>
        new(r.Id, r.Status, r.Node, r.RequestedAt, r.StartedAt, r.FinishedAt, r.Error,
            r.Projections.Select(p => new RebuildProjectionView(p.Name, p.Phase, p.Processed, p.Target, p.EventsPerSecond,
                p.EtaSeconds, p.ElapsedSeconds)).ToList());
}

/// <summary>Body of POST /api/admin/projections/rebuilds: the projections to rebuild (all registered async ones when absent).</summary>
public sealed record RebuildInput(string[]? Projections);
