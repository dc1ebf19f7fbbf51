using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Tracing.Api.Limits;
using Tracing.Projections.Events;

namespace Tracing.Api.Health;

/// <summary>
/// Readiness: the async read models trail the event log by no more than the backpressure bound
/// (<c>Tracing:Backpressure:MaxProjectionLag</c>), the same line past which ingest answers 429.
/// </summary>
public sealed class ProjectionLagCheck(ProjectionProgress progress, BackpressureOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(DatabaseReachableCheck.Timeout);
        ProjectionLag lag;
        try
        {
            lag = await progress.MeasureAsync(bounded.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The projection lag cannot be measured: " + ex.GetBaseException().Message);
        }
        var data = new Dictionary<string, object> { ["lag_events"] = lag.Events, ["max_lag_events"] = options.MaxProjectionLag };
        return options.MaxProjectionLag > 0 && lag.Events > options.MaxProjectionLag
            ? HealthCheckResult.Unhealthy($"Read models trail the event log by {lag.Events} events (bound {options.MaxProjectionLag}).", data: data)
            : HealthCheckResult.Healthy($"Read models trail the event log by {lag.Events} events.", data);
    }
}
