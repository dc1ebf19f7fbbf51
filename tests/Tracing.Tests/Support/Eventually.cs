namespace Tracing.Tests.Support;

/// <summary>
/// Polls an observable result until a condition holds, with a deadline: for state that changes asynchronously
/// (async read models, durable handlers, released limiter permits) where no signal reaches the test.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, Func<T, string> describe)
    {
        using var deadline = new CancellationTokenSource(within);
        using var tick = new PeriodicTimer(Interval);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            try { await tick.WaitForNextTickAsync(deadline.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"not reached within {within}: {describe(value)}"); }
        }
    }
}
