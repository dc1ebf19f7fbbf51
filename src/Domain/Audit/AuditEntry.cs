using System.Text.Json;

namespace Tracing.Domain.Audit;

/// <summary>
/// Who changed what, when, with the state before and after. A multi-tenanted document (tenant = workspace) stored
/// in the same transaction as the change it records, so an audited change cannot commit without its entry.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>"aud_" + 16 hex of UTC ticks + 6 random hex (<see cref="SortableIds"/>): sorts by time; the list cursor.</summary>
    public string Id { get; set; } = "";
    public string? ProjectId { get; set; }
    /// <summary>e.g. <c>incident.updated</c>, <c>incident.fix_agent_dispatched</c>, <c>key.created</c>.</summary>
    public string Action { get; set; } = "";
    /// <summary>e.g. <c>incident:inc_...</c>, <c>regression_run:rr_...</c>, <c>project:web</c>, <c>key:ab12...</c>.</summary>
    public string Target { get; set; } = "";
    public string Actor { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public JsonElement? Before { get; set; }
    public JsonElement? After { get; set; }
    public string? RequestId { get; set; }
}

public static class AuditActions
{
    public const string IncidentUpdated = "incident.updated";
    public const string FixAgentDispatched = "incident.fix_agent_dispatched";
    public const string FixProposed = "incident.fix_proposed";
    public const string RegressionRunRequested = "incident.regression_run_requested";
    public const string RegressionRunCompleted = "incident.regression_run_completed";
    public const string AgentConfigUpdated = "project.agent_config_updated";
    public const string ProjectCreated = "project.created";
    public const string KeyCreated = "key.created";
    public const string KeyRevoked = "key.revoked";
    public const string TraceDeleted = "trace.deleted";
}
