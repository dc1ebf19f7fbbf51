using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Tracing.Api.ConsoleHost;

/// <summary>
/// Where the console's API client reaches this host: <c>Tracing:Console:ApiBaseUrl</c>, else the first address Kestrel
/// bound, with a wildcard host made a loopback one (the console calls its own API, never another node's).
/// </summary>
public sealed class LoopbackAddress(IServer server, IConfiguration config)
{
    private Uri? _uri;

    public Uri Uri => _uri ??= Resolve();

    private Uri Resolve()
    {
        if (config["Tracing:Console:ApiBaseUrl"] is { Length: > 0 } configured) return new Uri(configured);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server reported no bound address; set Tracing:Console:ApiBaseUrl.");
        var builder = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        if (builder.Host is "0.0.0.0" or "[::]" or "::") builder.Host = "127.0.0.1";
        return builder.Uri;
    }
}
