using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tracing.Domain.Access;
using Tracing.Domain.Artifacts;
using Tracing.Domain.Analysis;
using Tracing.Projections.Analysis;
using Tracing.Projections.Databases;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;
using Tracing.Projections.Events;
using Tracing.Projections.Fleet;
using Tracing.Domain.Fleet;
using Tracing.Domain.Rebuilds;
using Tracing.Projections.Incidents;
using Tracing.Projections.Rebuilds;
using Tracing.Projections.Sessions;
using Weasel.Core;

namespace Tracing.Projections;

public sealed record TracingStoreSettings(string ConnectionString, bool RunDaemon, string Schema = "tracing", int? DaemonLockId = null)
{
    /// <summary>Model prices for computed cost (ADR 0020); the built-in defaults unless configured.</summary>
    public PriceTable Prices { get; init; } = PriceTable.Defaults;

    /// <summary>Further databases by name (<c>Tracing:Databases:NAME</c>), besides the main one; empty = one database (ADR 0031).</summary>
    public IReadOnlyDictionary<string, string> Databases { get; init; } = new Dictionary<string, string>();

    /// <summary>The database new workspaces are placed in (<c>Tracing:Placement:NewWorkspaces</c>); null = the least used.</summary>
    public string? NewWorkspacesIn { get; init; }

    /// <summary>The high-water agent's waits (ADR 0028); <c>Tracing:Daemon:*</c> in the hosts.</summary>
    public Tracing.Projections.Daemon.DaemonTiming Daemon { get; init; } = new();
}

/// <summary>The Marten event store and document configuration: one place, one extension.</summary>
public static class StoreSetup
{
    public const string TraceEventAlias = "trace_event";

    /// <summary>Events a page of the session summary's async shard loads at most (ADR 0043).</summary>
    public const int SessionSummaryBatchSize = 2000;
    public const string SessionStartedAlias = "session_started";
    public const string AnalysisCompletedAlias = "analysis_completed";

    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddTracingStore(
        this IServiceCollection services, TracingStoreSettings settings)
    {
        var dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        services.AddSingleton(_ => dataSource); // a factory registration: the host disposes it (and its idle pooled connections) on shutdown
        services.AddSingleton(settings);
        var databases = new WorkspaceDatabases(dataSource, settings);
        services.AddSingleton(_ => databases); // a factory registration: the host disposes the further databases' data sources
        services.AddSingleton<EventLog>();
        services.AddSingleton<AppendNotifier>();
        services.AddSingleton<SetAppend>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<ProjectionProgress>();
        services.AddSingleton<SearchReader>();
        services.AddSingleton<StatsReader>();
        services.AddSingleton<AsyncProjectionCatalog>();
        services.AddSingleton<RebuildWakeup>();
        services.AddSingleton<RebuildRequests>();
        services.AddSingleton<ShardProgress>();
        // Registered before Marten's hosted services so the schema exists before the daemon starts.
        services.AddHostedService<SchemaInitializer>();

        var marten = services.AddMarten(opts =>
        {
            opts.ConfigureTracing(dataSource, settings.Schema, settings.Prices);
            if (databases.IsMulti) opts.UseWorkspaceDatabases(settings, databases);
            settings.Daemon.ApplyTo(opts);
            // Only when configured (Tracing:DaemonLockId): Marten's high-water gap detection recognises its own leader
            // sessions by the lock ids it derives, and a non-default base id was seen to break that (ADR 0012).
            if (settings.DaemonLockId is { } lockId) opts.Projections.DaemonLockId = lockId;
            // The daemon runs, but not hosted by Marten: the node holding our leadership lock runs it (below).
            if (settings.RunDaemon) opts.Projections.AsyncMode = DaemonMode.ExternallyManaged;
        });
        // No Marten-run daemon (no HotCold): the node that holds our session-level leadership lock builds and runs it
        // (Tracing.Workers.Projections.ProjectionLeadership, ADR 0029), so no lock of Marten's holds a snapshot open.
        return marten;
    }

    /// <summary>A stable (FNV-1a) id derived from <paramref name="schema"/>, for this installation's own advisory locks.</summary>
    public static int SchemaLockIdFor(string schema)
    {
        var h = 2166136261u;
        foreach (var c in "tracing.daemon:" + schema) h = (h ^ c) * 16777619u;
        return (int)(h & 0x3FFFFFFF) + 1;
    }

    public static void ConfigureTracing(this StoreOptions opts, NpgsqlDataSource dataSource, string schema, PriceTable? prices = null)
    {
        opts.Connection(dataSource);
        opts.DatabaseSchemaName = schema;
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.SnakeCase);

        opts.Events.StreamIdentity = StreamIdentity.AsString;
        opts.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
        opts.Events.EnableUniqueIndexOnEventId = true;
        opts.Events.AppendMode = EventAppendMode.Quick;
        opts.Events.UseExclusiveLockOnConcurrentAppends = true;
        opts.Events.UseAdvisoryLockTransaction = true;
        opts.Events.UseListenNotifyForEventAppends = true; // wakes the high-water agent at once (live stream latency)
        opts.Events.MapEventType<TraceEventRecorded>(TraceEventAlias);
        opts.Events.MapEventType<SessionStarted>(SessionStartedAlias);
        opts.Events.MapEventType<AnalysisCompleted>(AnalysisCompletedAlias);
        opts.Events.IgnoreIndex(EventIndexes.TraceSeqName);
        opts.Events.IgnoreIndex(EventIndexes.OtherEventsName);

        opts.Schema.For<Workspace>().SingleTenanted();
        opts.Schema.For<Project>().SingleTenanted().Index(x => x.WorkspaceId);
        opts.Schema.For<ApiKey>().SingleTenanted();
        opts.Schema.For<StreamTicket>().SingleTenanted().UseOptimisticConcurrency(true);
        opts.Schema.For<ConsoleSignInCode>().SingleTenanted().UseOptimisticConcurrency(true);
        opts.Schema.For<SessionHead>().MultiTenanted();
        // Columns of their own (duplicated fields), not indexes over the jsonb body: the daemon rewrites a session's
        // summary on nearly every cycle, and an index over `data` makes every such update non-HOT (new index entries in
        // every index, dead versions piling up in a hot row's pages until vacuum). These two values never change once
        // written, so the updates stay HOT (ADR 0041).
        opts.Schema.For<SessionSummary>().MultiTenanted()
            .Duplicate(x => x.ProjectId)
            .Duplicate(x => x.CreatedPosition);

        opts.Schema.For<Artifact>().MultiTenanted();
        opts.Schema.For<ProjectionRebuild>().SingleTenanted();

        opts.Projections.Add<SessionHeadProjection>(ProjectionLifecycle.Inline);
        // Pages of 2,000 events, like Fleet's: under steady ingest a daemon cycle carries about a tenth of a second of events
        // (ADR 0043), which pages of 500 split into several loads, applies and commits, each with its own fixed cost.
        opts.Projections.Add<SessionSummaryProjection>(ProjectionLifecycle.Async, o => o.BatchSize = SessionSummaryBatchSize);
        opts.Schema.For<AnalysisView>().MultiTenanted().Index(x => x.ProjectId);
        opts.Projections.Add<AnalysisViewProjection>(ProjectionLifecycle.Async);
        opts.ConfigureIncidents();
        opts.ConfigureFleet(schema, prices ?? PriceTable.Defaults);
    }
}

/// <summary>Applies Marten's schema and our own indexes on its events table (EventIndexes) at start-up.</summary>
internal sealed class SchemaInitializer(IDocumentStore store, WorkspaceDatabases databases, TracingStoreSettings settings) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        // Every configured database (Marten's tenancy lists them all), then our own objects in each (ADR 0031).
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await databases.EnsureTableAsync(ct);
        foreach (var name in databases.Names)
        {
            await EventIndexes.EnsureAsync(databases.Source(name), settings.Schema, ct);
            await FleetTables.EnsureAsync(databases.Source(name), settings.Schema, ct);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
