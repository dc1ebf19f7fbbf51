using System.Net;

namespace Tracing.Api.Observability;

/// <summary>
/// Who may scrape <c>/metrics</c>: loopback callers always, others only from networks the operator lists
/// (<c>Tracing:Metrics:AllowedNetworks</c>, CIDR). Metrics name routes, shards and volumes: not for the internet. Pure.
/// </summary>
public static class MetricsAccess
{
    public static bool Allows(IPAddress? caller, IReadOnlyList<IPNetwork> allowed)
    {
        if (caller is null) return false;
        if (caller.IsIPv4MappedToIPv6) caller = caller.MapToIPv4();
        if (IPAddress.IsLoopback(caller)) return true;
        foreach (var network in allowed)
            if (network.Contains(caller)) return true;
        return false;
    }

    /// <summary>Parses the configured CIDRs; a malformed entry fails start-up rather than silently opening or closing access.</summary>
    public static IReadOnlyList<IPNetwork> Parse(IEnumerable<string> cidrs) =>
        cidrs.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => IPNetwork.TryParse(c.Trim(), out var n)
            ? n
            : throw new InvalidOperationException($"Tracing:Metrics:AllowedNetworks: '{c}' is not a CIDR network such as 10.0.0.0/8.")).ToList();
}
