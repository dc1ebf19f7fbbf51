using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Tracing.Api.Infrastructure;

/// <summary>
/// <c>Tracing:ForwardedHeaders:KnownProxies</c> (IP addresses) and <c>KnownNetworks</c> (CIDR): behind a TLS-terminating
/// proxy, X-Forwarded-Proto and X-Forwarded-For from those addresses only are honoured, so the request is seen as https
/// (the stream resume cookie gets <c>Secure</c>) with the client's address. Nothing configured: the headers are ignored
/// (ASP.NET Core's own default would trust any loopback proxy).
/// </summary>
public static class TrustedProxies
{
    public static ForwardedHeadersOptions? Options(IConfiguration config)
    {
        var section = config.GetSection("Tracing:ForwardedHeaders");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        if (proxies.Length == 0 && networks.Length == 0) return null;
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var p in proxies)
            options.KnownProxies.Add(IPAddress.TryParse(p, out var ip) ? ip
                : throw new InvalidOperationException($"Tracing:ForwardedHeaders:KnownProxies: '{p}' is not an IP address."));
        foreach (var n in networks)
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(n, out var net) ? net
                : throw new InvalidOperationException($"Tracing:ForwardedHeaders:KnownNetworks: '{n}' is not a CIDR network."));
        return options;
    }

    public static IApplicationBuilder UseTrustedForwardedHeaders(this WebApplication app) =>
        Options(app.Configuration) is { } options ? app.UseForwardedHeaders(options) : app;
}
