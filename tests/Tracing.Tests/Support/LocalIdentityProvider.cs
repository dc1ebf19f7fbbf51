using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tracing.Tests.Support;

/// <summary>
/// A pretend identity provider on a real loopback port: an OpenID discovery document and a JWKS document served over
/// HTTP, counting how often each is fetched, with keys that can be rotated while it runs.
/// </summary>
public sealed class LocalIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _jwksReads, _discoveryReads;
    private volatile TestKeys _keys;

    private LocalIdentityProvider(WebApplication app, TestKeys keys)
    {
        _app = app;
        _keys = keys;
    }

    public string BaseUrl { get; private set; } = "";
    public string JwksUrl => BaseUrl + "/keys";
    public TestKeys Keys => _keys;
    public int JwksReads => Volatile.Read(ref _jwksReads);
    public int DiscoveryReads => Volatile.Read(ref _discoveryReads);

    /// <summary>The provider publishes only <paramref name="next"/>'s keys from now on (the old ones are withdrawn).</summary>
    public void Rotate(TestKeys next) => _keys = next;

    public static async Task<LocalIdentityProvider> StartAsync(TestKeys keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var idp = new LocalIdentityProvider(app, keys);
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref idp._discoveryReads);
            return Results.Json(new Dictionary<string, string> { ["issuer"] = idp.BaseUrl, ["jwks_uri"] = idp.JwksUrl });
        });
        app.MapGet("/keys", () =>
        {
            Interlocked.Increment(ref idp._jwksReads);
            return Results.Text(idp._keys.Jwks, "application/json");
        });
        await app.StartAsync();
        idp.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return idp;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
