using Microsoft.Extensions.Hosting;

namespace Tracing.Workers.Hosting;

/// <summary>The Workers host (src/Workers/Program.cs): a background node without the HTTP API (ADR 0025).</summary>
public static class WorkerHost
{
    /// <param name="configure">Extra registrations before the host is built (tests observe or stall the work).</param>
    public static IHost Build(string[] args, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddTracingNode(runBackground: true);
        configure?.Invoke(builder);
        return builder.Build();
    }
}
