using Tracing.Api;
using Tracing.Api.Cli;

if (Commands.IsCommand(args)) return await Commands.RunAsync(args);

var app = TracingApp.Build(args);
await app.RunAsync();
return 0;

public partial class Program;
