using JasperFx.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Domain.Analysis;
using Tracing.Workers.Analysis;
using Wolverine;
using Wolverine.ErrorHandling;

namespace Tracing.Workers;

/// <summary>Background processing: detectors and Wolverine handlers, shared by the API host and the worker host.</summary>
public static class WorkersSetup
{
    public static IServiceCollection AddTracingAnalysis(this IServiceCollection services, IConfiguration config)
    {
        var settings = new DetectorSettings();
        config.GetSection("Tracing:Detectors").Bind(settings);
        services.AddSingleton(new DetectorSet(settings));
        var limits = new AnalysisLimits();
        config.GetSection("Tracing:Analysis").Bind(limits);
        services.AddSingleton(limits);
        services.AddSingleton<SessionSize>();
        services.AddSingleton<SessionAnalyzer>();
        services.AddSingleton<AnalysisRerun>();
        return services;
    }

    public static void ConfigureTracing(this WolverineOptions opts)
    {
        opts.ServiceName = "tracing";
        opts.UseRuntimeCompilation();
        opts.Discovery.IncludeAssembly(typeof(WorkersSetup).Assembly);
        opts.Policies.UseDurableLocalQueues();
        opts.OnException<Exception>().RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds())
            .Then.MoveToErrorQueue();
    }
}
