namespace Tracing.Domain.Rebuilds;

/// <summary>
/// A requested rebuild of async read models (ADR 0012). Stored so that whichever node holds projection leadership
/// executes it, whoever asked (the admin endpoint on any node, or the CLI); the executing node records its progress
/// here, which is what the CLI's progress bar and <c>GET /api/admin/projections/rebuilds/{id}</c> show.
/// </summary>
public sealed class ProjectionRebuild
{
    public string Id { get; set; } = "";
    public string Status { get; set; } = RebuildStatus.Queued;
    public List<ProjectionRebuildProgress> Projections { get; set; } = [];
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>The node (process) that executes it: set when a leader claims the request.</summary>
    public string? Node { get; set; }
    public string? Error { get; set; }

    public bool IsActive => Status is RebuildStatus.Queued or RebuildStatus.Running;
}

/// <summary>One projection of a rebuild: built beside the served one (green), then swapped in.</summary>
public sealed class ProjectionRebuildProgress
{
    public string Name { get; set; } = "";
    public string Phase { get; set; } = RebuildPhase.Waiting;
    /// <summary>Events of the log the green copy has processed (its progression).</summary>
    public long Processed { get; set; }
    /// <summary>The event log's high-water mark when last measured: the green copy is done when it reaches it.</summary>
    public long Target { get; set; }
    public double EventsPerSecond { get; set; }
    public double? EtaSeconds { get; set; }
    public double? ElapsedSeconds { get; set; }
}

public static class RebuildStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

public static class RebuildPhase
{
    public const string Waiting = "waiting";
    public const string Building = "building";
    public const string Switching = "switching";
    public const string Done = "done";
}
