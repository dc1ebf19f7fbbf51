using Microsoft.Extensions.Logging;

namespace Tracing.Workers.Hosting;

/// <summary>The loop of a polling background service, in one place.</summary>
public static class Periodic
{
    /// <summary>
    /// Runs <paramref name="step"/> at once and then every <paramref name="period"/> until <paramref name="ct"/> ends. A step
    /// that throws is logged as <paramref name="failure"/> and tried again at the next tick: a poll never ends its service.
    /// </summary>
    public static async Task RunAsync(TimeSpan period, TimeProvider clock, Func<CancellationToken, Task> step, ILogger log, string failure,
        CancellationToken ct)
    {
        using var tick = new PeriodicTimer(period, clock);
        do
        {
            try { await step(ct); }
            catch (Exception ex) when (!ct.IsCancellationRequested) { log.LogWarning(ex, "{Failure}", failure); }
        } while (await tick.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }
}
