using Microsoft.Extensions.Configuration;
using Tracing.Projections.Rebuilds;

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
    /// <summary>Whether projections marked <c>[ReplayFromLog]</c> rebuild through the replay from the log (ADR 0039) or Marten's.</summary>
    public bool ReplayFromLog { get; set; } = true;
    /// <summary>Log positions per page of a replay from the log (defaults: <see cref="ReplaySizes"/>).</summary>
    public int ReplayPageSize { get; set; } = DefaultReplay.PageSize;
    /// <summary>Documents a replay from the log keeps in memory between pages.</summary>
    public int ReplayCachedDocuments { get; set; } = DefaultReplay.CachedDocuments;
    /// <summary>Pages of a replay from the log read and parsed at once, ahead of the one being applied.</summary>
    public int ReplayPagesInFlight { get; set; } = DefaultReplay.PagesInFlight;

    private static readonly ReplaySizes DefaultReplay = new();

    public ReplaySizes ReplaySizes => new(Math.Max(1, ReplayPageSize), Math.Max(1, ReplayCachedDocuments), Math.Max(1, ReplayPagesInFlight));

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
