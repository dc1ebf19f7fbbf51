using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Tracing.Projections.Databases;

namespace Tracing.Api.Health;

/// <summary>Readiness: one round trip to the store, bounded by <see cref="Timeout"/> so a hung server reads as not ready.
/// With several databases (ADR 0031), one to each: a node that cannot reach one of them cannot serve its workspaces.</summary>
public sealed class DatabaseReachableCheck(WorkspaceDatabases databases) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(Timeout);
        foreach (var name in databases.Names)
        {
            try
            {
                await using var cmd = databases.Source(name).CreateCommand("select 1");
                await cmd.ExecuteScalarAsync(bounded.Token);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
            {
                // The message says refused / timed out (and which configured database); never the connection string.
                var which = databases.IsMulti ? $" (database '{name}')" : "";
                return HealthCheckResult.Unhealthy($"The event store cannot be reached{which}: " + ex.GetBaseException().Message);
            }
        }
        return HealthCheckResult.Healthy("The event store answers.");
    }
}
