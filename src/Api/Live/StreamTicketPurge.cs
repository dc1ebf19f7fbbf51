using Marten;
using Tracing.Domain.Access;

namespace Tracing.Api.Live;

/// <summary>
/// Removes stream tickets and resume credentials past their expiry (every <c>Tracing:Stream:PurgeMinutes</c>, 10 by
/// default, and once at start-up), so the table does not grow with every browser that ever connected. Every node may
/// run it: deleting what is already gone is a no-op.
/// </summary>
public sealed class StreamTicketPurge(IDocumentStore store, StreamOptions options, TimeProvider clock, ILogger<StreamTicketPurge> log)
    : BackgroundService
{
    /// <summary>Deletes tickets that expired before <paramref name="cutoff"/>.</summary>
    public async Task PurgeAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.DeleteWhere<StreamTicket>(t => t.ExpiresAt < cutoff);
        await session.SaveChangesAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.PurgeMinutes)), clock);
        do
        {
            try
            {
                await PurgeAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("Purging expired stream tickets failed; retrying next round: {Error}", ex.GetBaseException().Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
