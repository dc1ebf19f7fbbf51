using System.Net.Http.Headers;
using Marten.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api;

namespace Tracing.Tests.Support;

/// <summary>
/// The real API on a real loopback Kestrel port (a browser cannot reach Alba's in-memory TestServer), on the
/// test database and schema. Settings are extra configuration entries, e.g. "Tracing:Stream:RetryMilliseconds=200".
/// </summary>
public sealed class LoopbackApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackApi(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<LoopbackApi> StartAsync(params string[] settings) => StartAsync(null, settings);

    public static async Task<LoopbackApi> StartAsync(Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--TRACING_DB={AppFixture.ConnectionString}",
            $"--Tracing:Schema={AppFixture.Schema}",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Select(s => "--" + s),
        ];
        var app = TracingApp.Build(args, configure);
        try
        {
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                .FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no bound address");
            return new LoopbackApi(app, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until this node's async daemon has caught up with the event log (Marten's own signal).</summary>
    public Task WaitForProjectionsAsync(TimeSpan timeout) => _app.WaitForNonStaleProjectionDataAsync(timeout);

    public HttpClient CreateClient(string bearer)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _app.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
