using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Projections;
using Tracing.Projections.Daemon;
using Tracing.Projections.Events;
using Tracing.Workers.Hosting;
using Xunit;

namespace Tracing.Tests.Workers;

/// <summary>
/// <c>Tracing:Daemon:*</c> reaches what it tunes: the high-water agent's waits (ADR 0028) and the appends' wake-up
/// interval (ADR 0040), through the same registration the hosts use.
/// </summary>
public sealed class DaemonSettingsFromConfiguration
{
    private static TracingStoreSettings Settings(params (string Key, string Value)[] values)
    {
        var pairs = new Dictionary<string, string?> { ["TRACING_DB"] = "Host=127.0.0.1;Database=not_opened" };
        foreach (var (key, value) in values) pairs[key] = value;
        return TracingSettings.Store(new ConfigurationBuilder().AddInMemoryCollection(pairs).Build(), runDaemon: true);
    }

    private static TimeSpan NotifierInterval(TracingStoreSettings settings)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddTracingStore(settings);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<AppendNotifier>().MinimumInterval;
    }

    [Fact]
    public void configured_waits_reach_the_daemon_timing_and_the_append_notifier()
    {
        var settings = Settings(("Tracing:Daemon:WakeIntervalMilliseconds", "70"), ("Tracing:Daemon:SlowPollMilliseconds", "400"),
            ("Tracing:Daemon:StaleGapMilliseconds", "1500"));
        Assert.Equal(new DaemonTiming(400, 1500, 70), settings.Daemon);
        Assert.Equal(TimeSpan.FromMilliseconds(70), NotifierInterval(settings));
    }

    [Fact]
    public void without_configuration_the_documented_defaults_apply_and_a_negative_interval_means_none()
    {
        Assert.Equal(new DaemonTiming(250, 1000, 100), Settings().Daemon);
        Assert.Equal(TimeSpan.FromMilliseconds(100), NotifierInterval(Settings()));
        Assert.Equal(TimeSpan.Zero, NotifierInterval(Settings(("Tracing:Daemon:WakeIntervalMilliseconds", "-5"))));
    }

    [Fact]
    public void the_trace_event_shards_load_pages_of_two_thousand_events()
    {
        // ADR 0043: a daemon cycle carries about a tenth of a second of events; pages of 500 split it into several loads,
        // applies and commits.
        var opts = new Marten.StoreOptions();
        using var source = new Npgsql.NpgsqlDataSourceBuilder("Host=127.0.0.1;Database=not_opened").Build();
        opts.ConfigureTracing(source, "tracing");
        var sizes = opts.Projections.All.ToDictionary(p => p.Name, p => p.Options.BatchSize);
        Assert.Equal(StoreSetup.SessionSummaryBatchSize, sizes["SessionSummary"]);
        Assert.Equal(2000, sizes["SessionSummary"]);
        Assert.Equal(2000, sizes[Tracing.Projections.Fleet.FleetProjection.ProjectionName]);
    }
}
