using Tracing.Api.Access;
using Tracing.Api.ConsoleHost;
using Tracing.Projections;
using Tracing.Workers;
using Tracing.Workers.Hosting;

namespace Tracing.Api.Cli;

/// <summary>
/// What a command runs against: its output writers and, built on first use (a command that needs no database, such as
/// <c>token</c> or any <c>--help</c>, never connects), a host with the store whose start applies the schema.
/// </summary>
public sealed class CliContext(Action<IConfigurationBuilder>? configure, TextWriter output, TextWriter errors) : IAsyncDisposable
{
    private IHost? _host;

    public TextWriter Output => output;
    public TextWriter Errors => errors;
    public IConfiguration Configuration { get; private set; } = null!;

    public async Task<IServiceProvider> ServicesAsync()
    {
        if (_host is not null) return _host.Services;
        var builder = Host.CreateApplicationBuilder();
        configure?.Invoke(builder.Configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // stdout carries only the command's result (README: `keys create ... | tail -1` is the key): logs go to stderr.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddTracingStore(TracingSettings.Store(builder.Configuration, runDaemon: false));
        builder.Services.AddSingleton<KeyIssuer>();
        builder.Services.AddTracingAnalysis(builder.Configuration);
        builder.Services.AddSingleton<ConsoleSignIns>();
        Configuration = builder.Configuration;
        _host = builder.Build();
        var stdout = Console.Out;
        Console.SetOut(Console.Error); // Marten prints start-up notices (daemon disabled) with Console.WriteLine
        try { await _host.StartAsync(); } // applies the schema
        finally { Console.SetOut(stdout); }
        return _host.Services;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
    }
}
