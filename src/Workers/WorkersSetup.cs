using JasperFx;
using JasperFx.Core;
using Marten.Exceptions;
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
        // Every handler that touches Marten runs in one transaction that Wolverine commits (with its outbox), so
        // handlers return events and messages instead of saving.
        opts.Policies.AutoApplyTransactions();
        // The one optimistic-concurrency policy: a write that lost a race (stream version, or a document/unique key
        // written meanwhile) runs again from a fresh read. Inline for InvokeAsync callers too (docs/adr/0023).
        opts.OnException<ConcurrencyException>().Or<ConcurrentUpdateException>().Or<DocumentAlreadyExistsException>()
            .RetryWithCooldown(5.Milliseconds(), 10.Milliseconds(), 20.Milliseconds(), 40.Milliseconds(), 80.Milliseconds(), 160.Milliseconds());
        opts.OnException<Exception>().RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds())
            .Then.MoveToErrorQueue();
    }
}
