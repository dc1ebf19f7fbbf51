using Tracing.Projections;

// The background host: runs the async projection daemon (and, as they land, Wolverine handlers)
// without serving the HTTP API. Several can run; Marten's HotCold mode elects one leader.
var builder = Host.CreateApplicationBuilder(args);
var cs = builder.Configuration["TRACING_DB"]
    ?? throw new InvalidOperationException("Set TRACING_DB to a PostgreSQL connection string.");
builder.Services.AddTracingStore(new TracingStoreSettings(cs, RunDaemon: true, builder.Configuration["Tracing:Schema"] ?? "tracing"));
await builder.Build().RunAsync();
