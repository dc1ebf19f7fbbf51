using Microsoft.Extensions.Logging;

namespace Tracing.Workers.Hosting;

/// <summary>The loop of a polling background service, in one place.</summary>
public static class Periodic
{
    /// <summary>
    /// Runs <paramref name="step"/> at once and then every <paramref name="period"/> until <paramref name="ct"/> ends, and
    /// also as soon as <paramref name="wake"/> (when given) completes, which it is asked for again after each wake-up. A
    /// step that throws is logged as <paramref name="failure"/> and tried again at the next tick: a poll never ends its service.
    /// </summary>
    public static async Task RunAsync(TimeSpan period, TimeProvider clock, Func<CancellationToken, Task> step, ILogger log, string failure,
        CancellationToken ct, Func<CancellationToken, Task>? wake = null)
    {
        using var tick = new PeriodicTimer(period, clock);
        Task<bool>? nextTick = null;
        Task? woken = null;
        while (true)
        {
            try { await step(ct); }
            catch (Exception ex) when (!ct.IsCancellationRequested) { log.LogWarning(ex, "{Failure}", failure); }
            nextTick ??= tick.WaitForNextTickAsync(ct).AsTask();
            woken ??= wake?.Invoke(ct);
            if (woken is not null && await Task.WhenAny(nextTick, woken).ConfigureAwait(false) == woken)
            {
                woken = null; // the tick stays pending for a later round
                if (ct.IsCancellationRequested) return;
                continue;
            }
            var more = await nextTick.ConfigureAwait(false);
            nextTick = null;
            if (!more) return;
        }
    }
}
