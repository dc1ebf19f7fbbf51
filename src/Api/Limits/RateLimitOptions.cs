namespace Tracing.Api.Limits;

/// <summary>
/// <c>Tracing:RateLimits:*</c>. Ingest (create session, append events, artifacts) is limited by token buckets per
/// credential and per workspace; live streams by concurrent connections per credential and per workspace. Limits are
/// node-local (docs/security.md).
/// </summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;
    public int KeyPerSecond { get; set; } = 200;
    public int KeyBurst { get; set; } = 400;
    public int WorkspacePerSecond { get; set; } = 1000;
    public int WorkspaceBurst { get; set; } = 2000;
    public int StreamsPerKey { get; set; } = 20;
    public int StreamsPerWorkspace { get; set; } = 100;
    /// <summary>Costly requests (stream tickets, analyze, fix-agent, regression runs) per credential: a minute's refill and a burst.</summary>
    public int CostlyPerMinute { get; set; } = 120;
    public int CostlyBurst { get; set; } = 60;

    public static RateLimitOptions From(IConfiguration config)
    {
        var o = new RateLimitOptions();
        config.GetSection("Tracing:RateLimits").Bind(o);
        if (new[] { o.KeyPerSecond, o.KeyBurst, o.WorkspacePerSecond, o.WorkspaceBurst, o.StreamsPerKey, o.StreamsPerWorkspace, o.CostlyPerMinute, o.CostlyBurst }.Any(v => v < 1))
            throw new InvalidOperationException("Tracing:RateLimits values must be at least 1 (set Tracing:RateLimits:Enabled=false to turn limits off).");
        return o;
    }
}

/// <summary>A token bucket refilling exactly <c>perSecond</c> in small steps (about ten a second). Pure.</summary>
public sealed record BucketShape(int TokenLimit, int TokensPerPeriod, TimeSpan Period)
{
    public static BucketShape For(int perSecond, int burst)
    {
        var rate = Math.Max(perSecond, 1);
        var tokens = (rate + 9) / 10;
        return new BucketShape(Math.Max(burst, 1), tokens, TimeSpan.FromSeconds((double)tokens / rate));
    }

    /// <summary>One token every 60/<paramref name="perMinute"/> seconds, up to <paramref name="burst"/>.</summary>
    public static BucketShape PerMinute(int perMinute, int burst) =>
        new(Math.Max(burst, 1), 1, TimeSpan.FromSeconds(60.0 / Math.Max(perMinute, 1)));
}
