namespace Tracing.WebConsole.Incidents;

/// <summary>How a page follows server-side work it started (a fix proposal, a regression run): re-read once a second.</summary>
public static class Polling
{
    /// <summary>Re-reads once a second, re-rendering each time, until done, a minute has passed, or the page closed.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, Action render, CancellationToken gone)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 60 && !gone.IsCancellationRequested; i++)
        {
            if (await done()) break;
            render();
            try { await timer.WaitForNextTickAsync(gone); } catch (OperationCanceledException) { break; }
        }
        render();
    }
}
