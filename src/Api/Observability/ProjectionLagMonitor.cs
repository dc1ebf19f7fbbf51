using System.Diagnostics.Metrics;
using Tracing.Api.Live;
using Tracing.Projections.Events;
using Tracing.Projections.Observability;

namespace Tracing.Api.Observability;

/// <summary>
/// The gauges of this node: projection lag per shard (read from the database every few seconds, so a scrape never
/// waits on a query) and open live-stream connections. Created on this host's <see cref="IMeterFactory"/> meter, so
/// they end with the host.
/// </summary>
public sealed class ProjectionLagMonitor : BackgroundService
{
    private readonly ShardProgress _progress;
    private readonly TimeSpan _every;
    private readonly ILogger<ProjectionLagMonitor> _log;
    private IReadOnlyList<ShardLag> _last = [];

    public ProjectionLagMonitor(ShardProgress progress, StreamHub hub, MetricsOptions options, IMeterFactory meters,
        ILogger<ProjectionLagMonitor> log)
    {
        _progress = progress;
        _every = TimeSpan.FromSeconds(Math.Max(1, options.LagSampleSeconds));
        _log = log;
        var meter = meters.Create(TracingMeter.Name);
        meter.CreateObservableGauge("tracing.projection.lag", Observe, "{event}",
            "Events the async projection shard trails the event log's head by.");
        meter.CreateObservableUpDownCounter("tracing.stream.connections", () => hub.Connections, "{connection}",
            "Open live-stream (SSE) connections on this node.");
    }

    private IEnumerable<Measurement<long>> Observe() =>
        _last.Select(s => new Measurement<long>(s.Events, new KeyValuePair<string, object?>("shard", s.Shard)));

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_every);
        do
        {
            try { _last = await _progress.MeasureAsync(ct); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A monitoring query never takes the node down; the gauge keeps its last reading.
                _log.LogWarning(ex, "Reading projection progress for the lag gauge failed");
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }
}
