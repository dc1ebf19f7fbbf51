using Microsoft.Extensions.Configuration;
using Tracing.Projections.Databases;
using Tracing.Projections;

namespace Tracing.Workers.Hosting;

/// <summary>Configuration: TRACING_DB (a PostgreSQL connection string), Tracing:Schema, Tracing:RunBackground, Tracing:DaemonLockId (Marten's daemon lock id; projection leadership itself is a per-schema lock, ADR 0029).</summary>
public static class TracingSettings
{
    public static TracingStoreSettings Store(IConfiguration config, bool runDaemon)
    {
        var cs = config["TRACING_DB"] ?? config.GetConnectionString("tracing")
            ?? throw new InvalidOperationException("Set TRACING_DB to a PostgreSQL connection string (./tracing run does it for you).");
        var defaults = new Tracing.Projections.Daemon.DaemonTiming(); // the defaults live in one place
        return new TracingStoreSettings(cs, runDaemon, config["Tracing:Schema"] ?? "tracing", config.GetValue<int?>("Tracing:DaemonLockId"))
            {
                Prices = Tracing.Workers.Fleet.PricingSettings.From(config),
                Daemon = new Tracing.Projections.Daemon.DaemonTiming(
                    config.GetValue("Tracing:Daemon:SlowPollMilliseconds", defaults.SlowPollMilliseconds),
                    config.GetValue("Tracing:Daemon:StaleGapMilliseconds", defaults.StaleGapMilliseconds),
                    config.GetValue("Tracing:Daemon:WakeIntervalMilliseconds", defaults.WakeIntervalMilliseconds)),
            }.WithDatabases(config);
    }

    public static bool RunBackground(IConfiguration config) => config.GetValue("Tracing:RunBackground", true);
}
