using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tracing.Workers.Projections;

namespace Tracing.Api.Health;

/// <summary>
/// Readiness: unhealthy while an async projection shard on this node (the projection leader) is dead, i.e. stopped and
/// waiting for its next restart. Other nodes report healthy: their shards run on the leader.
/// </summary>
public sealed class ProjectionShardsHealthCheck(ShardHealth health) : IHealthCheck
{
    public const string Name = "projection_shards";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (!health.IsLeader) return Task.FromResult(HealthCheckResult.Healthy("projection shards run on another node"));
        var shards = health.Snapshot();
        var data = shards.ToDictionary(s => s.Shard, s => (object)new { state = s.State, cause = s.Cause, since = s.Since, restarts = s.Restarts });
        var dead = shards.Where(s => s.State == ShardStates.Dead).ToList();
        return Task.FromResult(dead.Count == 0
            ? HealthCheckResult.Healthy($"{shards.Count} projection shards running", data)
            : HealthCheckResult.Unhealthy($"dead projection shards: {string.Join(", ", dead.Select(d => $"{d.Shard} ({d.Cause})"))}", data: data));
    }
}

public static class ProjectionShardsHealthSetup
{
    public static IHealthChecksBuilder AddProjectionShardsCheck(this IHealthChecksBuilder builder) =>
        builder.AddCheck<ProjectionShardsHealthCheck>(ProjectionShardsHealthCheck.Name, tags: [HealthEndpoints.ReadyTag]);
}
