namespace Tracing.Domain.Incidents;

// Events of an incident's own stream (IncidentIds.StreamKey). Each carries the incident id, the project, the actor
// and the time, so a reader of the log needs no joins.

/// <summary>Someone changed the triage status.</summary>
public sealed record IncidentStatusChanged(
    string IncidentId, string ProjectId, string Status, string PreviousStatus, string Actor, DateTimeOffset At);

/// <summary>Someone assigned (Owner set) or unassigned (Owner null) the incident.</summary>
public sealed record IncidentOwnerChanged(
    string IncidentId, string ProjectId, string? Owner, string? PreviousOwner, string Actor, DateTimeOffset At);

/// <summary>A fix agent run was requested; <see cref="FixProposed"/> with the same dispatch id answers it.</summary>
public sealed record FixAgentDispatched(
    string IncidentId, string ProjectId, string DispatchId, string Actor, DateTimeOffset At);

/// <summary>
/// The fix agent's proposal: a plan and a unified diff against the project's agent configuration (whose SHA-256 is
/// <see cref="ConfigSha256"/>). Mode <c>model</c> (an OpenAI-compatible model answered with a diff that applies)
/// or <c>fallback</c> (the deterministic rule for the detector; <see cref="Reason"/> says why).
/// </summary>
public sealed record FixProposed(
    string IncidentId, string ProjectId, string DispatchId, string Mode, string? Reason,
    string Plan, string Diff, string ConfigSha256, string Actor, DateTimeOffset At);

/// <summary>
/// A resolved incident was seen again in a session that had not shown it before: it reopens (status open, flagged
/// regressed). Appended by the analysis that saw it, in the same transaction, so no reader sees the recurrence
/// without the reopen (docs/adr/0024-incident-regressed-event.md).
/// </summary>
public sealed record IncidentRegressed(
    string IncidentId, string ProjectId, string SessionId, string Actor, DateTimeOffset At);
