namespace Tracing.Domain.Regression;

/// <summary>
/// A regression run: replays the incident's known-bad sessions (before) and the sessions after a fix through the
/// current detectors and asks whether the incident's fingerprint reproduces. Durable: every processed session is
/// saved before the next, and a run whose worker vanished is picked up again after its lease expires.
/// </summary>
public sealed class RegressionRun
{
    public string Id { get; set; } = "";
    /// <summary>The tenant, repeated so the recovery sweep (which reads across tenants) can re-publish the run.</summary>
    public string WorkspaceId { get; set; } = "";
    public string IncidentId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string Status { get; set; } = RegressionStatus.Queued;
    public List<string> BeforeSessions { get; set; } = [];
    public List<string> AfterSessions { get; set; } = [];
    /// <summary>What the caller asked for, echoed back: session ids or a since time.</summary>
    public DateTimeOffset? AfterSince { get; set; }
    public int MinAfterSessions { get; set; }
    public List<SessionReplay> Results { get; set; } = [];
    public string? Verdict { get; set; }
    public string? VerdictReason { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Last progress (or the request): a run not updated for a lease period is considered abandoned.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public int Attempts { get; set; }
    public string? DetectorVersion { get; set; }

    /// <summary>Sessions still to replay, before-sessions first, in request order.</summary>
    public IEnumerable<(string Phase, string SessionId)> Pending() =>
        BeforeSessions.Select(s => (RegressionPhase.Before, s)).Concat(AfterSessions.Select(s => (RegressionPhase.After, s)))
            .Where(p => !Results.Any(r => r.Phase == p.Item1 && r.SessionId == p.Item2));
}

/// <param name="Reproduced">Null when the session could not be replayed (<see cref="Error"/> says why).</param>
public sealed record SessionReplay(string SessionId, string Phase, bool? Reproduced, long? CriticalStep, int Findings, string? Error);

public static class RegressionStatus
{
    public const string Queued = "queued", Running = "running", Completed = "completed";
}

public static class RegressionPhase
{
    public const string Before = "before", After = "after";
}
