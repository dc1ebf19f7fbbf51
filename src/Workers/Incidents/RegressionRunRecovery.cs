using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracing.Domain.Regression;
using Wolverine;

namespace Tracing.Workers.Incidents;

/// <summary>
/// Re-publishes regression runs that nobody is working on: queued or running, and not updated for a lease period
/// (a worker died mid-run, or its message went to the error queue). Runs once at start-up and then periodically on
/// every node; a duplicate message is harmless because the runner claims the run with a lease first.
/// </summary>
public sealed class RegressionRunRecovery(IDocumentStore store, IServiceScopeFactory scopes, RegressionOptions options,
    TimeProvider clock, ILogger<RegressionRunRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Regression run recovery sweep failed; trying again later");
            }
            try { await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.RecoverySeconds)), clock, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var staleBefore = clock.GetUtcNow().AddSeconds(-options.LeaseSeconds);
        await using var query = store.QuerySession();
        var stale = await query.Query<RegressionRun>()
            .Where(r => r.AnyTenant() && r.Status != RegressionStatus.Completed && r.UpdatedAt < staleBefore)
            .Select(r => new { r.WorkspaceId, r.Id })
            .Take(100)
            .ToListAsync(ct);
        if (stale.Count == 0) return 0;
        using var scope = scopes.CreateScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        foreach (var run in stale)
        {
            logger.LogInformation("Re-publishing abandoned regression run {Run}", run.Id);
            await bus.PublishAsync(new RunRegression(run.WorkspaceId, run.Id));
        }
        return stale.Count;
    }
}
