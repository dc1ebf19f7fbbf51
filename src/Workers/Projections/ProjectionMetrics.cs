using System.Diagnostics.Metrics;

namespace Tracing.Workers.Projections;

/// <summary>Projection instruments on the "Tracing" meter: shard restarts (by shard) and how many shards are dead now.</summary>
public sealed class ProjectionMetrics
{
    public const string MeterName = Tracing.Projections.Observability.TracingMeter.Name;
    public const string RestartsName = "tracing.projection.shard.restarts";
    public const string DeadName = "tracing.projection.shards.dead";

    private readonly Counter<long> _restarts;

    public ProjectionMetrics(IMeterFactory meters, ShardHealth health)
    {
        var meter = meters.Create(MeterName);
        _restarts = meter.CreateCounter<long>(RestartsName, unit: "{restart}", description: "Projection shards restarted after they stopped or failed");
        meter.CreateObservableGauge(DeadName, () => health.DeadCount, unit: "{shard}", description: "Projection shards stopped and not yet restarted");
    }

    public void Restarted(string shard) => _restarts.Add(1, new KeyValuePair<string, object?>("shard", shard));
}
