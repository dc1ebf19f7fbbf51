using Microsoft.Extensions.Configuration;

namespace Tracing.Workers.Projections;

/// <summary><c>Tracing:Projections:*</c>: how often leadership, shards and rebuild requests are checked, and the restart backoff.</summary>
public sealed class SupervisionOptions
{
    public int PollMilliseconds { get; set; } = 1000;
    /// <summary>How often a follower tries to take projection leadership and a leader checks its lock session.</summary>
    public int LeadershipPollMilliseconds { get; set; } = 1000;
    public int FirstRestartSeconds { get; set; } = 1;
    public int MaxRestartSeconds { get; set; } = 60;
    /// <summary>How long one projection's green build may take before the rebuild is failed.</summary>
    public int RebuildTimeoutMinutes { get; set; } = 60;

    public static SupervisionOptions From(IConfiguration config)
    {
        var o = new SupervisionOptions();
        config.GetSection("Tracing:Projections").Bind(o);
        return o;
    }

    /// <summary>Exponential backoff: first, then doubled per consecutive failure, capped. Pure.</summary>
    public TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxRestartSeconds, FirstRestartSeconds * Math.Pow(2, Math.Max(0, failures - 1))));
}
