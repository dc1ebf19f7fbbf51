using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tracing.Workers.Projections;

/// <summary>
/// Projection operations on a node that runs the daemon: shard supervision (restart with backoff, health, metrics)
/// and execution of rebuild requests when this node is the projection leader.
/// </summary>
public static class ProjectionOperationsSetup
{
    public static IServiceCollection AddTracingProjectionOperations(this IServiceCollection services, IConfiguration config, bool runDaemon)
    {
        services.AddSingleton(SupervisionOptions.From(config));
        services.AddSingleton<ShardHealth>();
        services.AddSingleton<ShardControl>();
        services.AddMetrics();
        services.AddSingleton<ProjectionMetrics>();
        if (!runDaemon) return services;
        services.AddSingleton<LeaderDaemon>();
        services.AddSingleton<LeaderLock>();
        services.AddSingleton<ProjectionLeadership>();
        services.AddHostedService(sp => sp.GetRequiredService<ProjectionLeadership>());
        services.AddSingleton<BlueGreenRebuild>();
        services.AddHostedService<ShardSupervisor>();
        services.AddHostedService<RebuildRunner>();
        return services;
    }
}
