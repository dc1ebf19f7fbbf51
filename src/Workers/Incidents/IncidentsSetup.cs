using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tracing.Workers.Incidents;

/// <summary>Incidents in the background: fix agent and regression runs (docs/adr/0008-incidents.md).</summary>
public static class IncidentsSetup
{
    /// <param name="runBackground">Whether this node works on regression runs (and so looks for abandoned ones).</param>
    public static IServiceCollection AddTracingIncidents(this IServiceCollection services, IConfiguration config, bool runBackground = true)
    {
        var fix = new FixAgentOptions();
        config.GetSection("Tracing:FixAgent").Bind(fix);
        services.AddSingleton(fix);
        services.AddSingleton<FixModelClient>();
        services.AddSingleton<FixAgentRunner>();
        services.AddSingleton<FixProposalSignal>();

        var regression = new RegressionOptions();
        config.GetSection("Tracing:Regression").Bind(regression);
        services.AddSingleton(regression);
        services.AddSingleton<SessionReplayer>();
        services.AddSingleton<RegressionRunner>();
        services.TryAddSingleton<IRegressionRunListener, NoRegressionRunListener>();
        if (runBackground) services.AddHostedService<RegressionRunRecovery>();
        return services;
    }
}
