namespace Tracing.Api.Limits;

/// <summary>
/// The projection lag, measured at most once per interval however many requests ask: within the interval the last
/// value is returned; after it, the first caller measures anew (and waits for it) while concurrent callers keep the
/// last value until it lands.
/// A failed measurement keeps the last value (ingest is not stopped by a monitoring query).
/// </summary>
public sealed class LagSampler(Func<CancellationToken, Task<long>> measure, TimeProvider clock, TimeSpan every, ILogger<LagSampler> log)
{
    private readonly Lock _gate = new();
    private (long Lag, DateTimeOffset At)? _last;
    private Task<long>? _pending;

    public async ValueTask<long> CurrentAsync(CancellationToken ct)
    {
        Task<long> pending;
        lock (_gate)
        {
            if (_last is { } fresh && clock.GetUtcNow() - fresh.At < every) return fresh.Lag;
            if (_pending is not null && _last is { } stale) return stale.Lag;
            // Task.Run: the refresh must never complete inline while this lock is held.
            pending = _pending ??= Task.Run(RefreshAsync, CancellationToken.None);
        }
        return await pending.WaitAsync(ct);
    }

    private async Task<long> RefreshAsync()
    {
        long lag;
        try
        {
            lag = await measure(CancellationToken.None);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Measuring the projection lag failed; keeping the last value");
            lock (_gate) lag = _last?.Lag ?? 0;
        }
        lock (_gate)
        {
            _last = (lag, clock.GetUtcNow());
            _pending = null;
        }
        return lag;
    }
}
