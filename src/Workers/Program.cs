using Tracing.Workers.Hosting;

// The background host: the projection daemon (one leader among all nodes) and the work queues (analysis, fix agent,
// regression runs), without the HTTP API; the same configuration code as the API host (ADR 0025).
await WorkerHost.Build(args).RunAsync();
