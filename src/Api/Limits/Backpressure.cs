namespace Tracing.Api.Limits;

/// <summary>
/// <c>Tracing:Backpressure:*</c>: ingest answers 429 while the async read models trail the event log by more than
/// <see cref="MaxProjectionLag"/> events (0 turns it off); the lag is sampled at most every <see cref="SampleMilliseconds"/> (0: on every ingest request).
/// </summary>
public sealed class BackpressureOptions
{
    public long MaxProjectionLag { get; set; } = 50_000;
    public int SampleMilliseconds { get; set; } = 500;

    public static BackpressureOptions From(IConfiguration config)
    {
        var o = new BackpressureOptions();
        config.GetSection("Tracing:Backpressure").Bind(o);
        if (o.SampleMilliseconds < 0) throw new InvalidOperationException("Tracing:Backpressure:SampleMilliseconds must be 0 or more.");
        return o;
    }
}

/// <summary>The backpressure rule. Pure: lag and bound in, "go" (null) or how long to wait out.</summary>
public static class Backpressure
{
    /// <summary>A conservative rate at which the daemon works a backlog off, to size Retry-After.</summary>
    public const long DrainPerSecond = 5_000;
    public const int MaxRetryAfterSeconds = 30;

    public static TimeSpan? Decide(long lag, long maxLag) =>
        maxLag <= 0 || lag <= maxLag
            ? null
            : TimeSpan.FromSeconds(Math.Clamp(1 + (lag - maxLag) / DrainPerSecond, 1, MaxRetryAfterSeconds));
}
