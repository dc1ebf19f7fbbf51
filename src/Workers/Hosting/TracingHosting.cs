using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tracing.Projections;
using Tracing.Workers.Incidents;
using Tracing.Workers.Projections;
using Wolverine;
using Wolverine.Marten;

namespace Tracing.Workers.Hosting;

/// <summary>
/// The configuration every Tracing node shares, API and Workers hosts alike: the store, Wolverine with its work queues,
/// projection operations, analysis and incidents. <paramref name="runBackground"/> decides whether this node runs the
/// projection daemon and consumes the work queues, or only publishes to them (ADR 0025).
/// </summary>
public static class TracingHosting
{
    public static IHostApplicationBuilder AddTracingNode(this IHostApplicationBuilder builder, bool runBackground)
    {
        var config = builder.Configuration;
        builder.Services.AddSingleton(TimeProvider.System);
        var store = TracingSettings.Store(config, runBackground);
        // The queue tables live in the store's schema, beside Wolverine's inbox and outbox (the same transaction).
        builder.Services.AddTracingStore(store).IntegrateWithWolverine(w => w.TransportSchemaName = store.Schema);
        builder.Services.AddTracingProjectionOperations(config, runBackground);
        builder.Services.AddTracingAnalysis(config);
        builder.Services.AddTracingIncidents(config, runBackground);
        var queues = WorkQueues.From(config);
        builder.Services.AddSingleton(queues);
        builder.UseWolverine(opts =>
        {
            opts.ConfigureTracing();
            queues.Configure(opts, consume: runBackground);
        });
        return builder;
    }
}
