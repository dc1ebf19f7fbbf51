using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Tracing.Api.Health;

/// <summary>Readiness: one round trip to the store, bounded by <see cref="Timeout"/> so a hung server reads as not ready.</summary>
public sealed class DatabaseReachableCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(Timeout);
        try
        {
            await using var cmd = dataSource.CreateCommand("select 1");
            await cmd.ExecuteScalarAsync(bounded.Token);
            return HealthCheckResult.Healthy("The event store answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The message says refused / timed out; never the connection string.
            return HealthCheckResult.Unhealthy("The event store cannot be reached: " + ex.GetBaseException().Message);
        }
    }
}
