using Tracing.Projections;
using Tracing.Projections.Databases;
using Tracing.Workers;
using Tracing.Workers.Databases;
using Tracing.Workers.Incidents;
using Tracing.Workers.Projections;
using Wolverine;
using Wolverine.Marten;

// The background host: the async projection daemon (HotCold: one leader among all nodes) and the Wolverine
// handlers (durable analysis triggers), without the HTTP API.
var builder = Host.CreateApplicationBuilder(args);
var cs = builder.Configuration["TRACING_DB"]
    ?? throw new InvalidOperationException("Set TRACING_DB to a PostgreSQL connection string.");
builder.Services.AddSingleton(TimeProvider.System);
var storeSettings = new TracingStoreSettings(cs, RunDaemon: true, builder.Configuration["Tracing:Schema"] ?? "tracing",
    builder.Configuration.GetValue<int?>("Tracing:DaemonLockId"))
    { Prices = Tracing.Workers.Fleet.PricingSettings.From(builder.Configuration) }.WithDatabases(builder.Configuration);
builder.Services.AddTracingStore(storeSettings).IntegrateTracingWithWolverine(storeSettings);
builder.Services.AddTracingAnalysis(builder.Configuration);
builder.Services.AddTracingIncidents(builder.Configuration);
builder.Services.AddTracingProjectionOperations(builder.Configuration, runDaemon: true);
builder.UseWolverine(opts => opts.ConfigureTracing());
await builder.Build().RunAsync();
