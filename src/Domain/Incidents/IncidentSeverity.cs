namespace Tracing.Domain.Incidents;

/// <summary>
/// How urgent an incident is: a base level per detector and label (how much harm the failure does to a run),
/// raised one level when it is widespread. Pure; documented in docs/adr/0008-incidents.md.
/// </summary>
public static class IncidentSeverity
{
    public const string Low = "low", Medium = "medium", High = "high", Critical = "critical";
    private static readonly string[] Levels = [Low, Medium, High, Critical];

    /// <summary>Sessions at which an incident counts as widespread.</summary>
    public const int Widespread = 10;

    public static string Of(string detector, string label, decimal confidence, int sessionsAffected)
    {
        var level = Base(detector, label, confidence);
        if (sessionsAffected >= Widespread) level = Math.Min(level + 1, Levels.Length - 1);
        return Levels[level];
    }

    private static int Base(string detector, string label, decimal confidence) => (detector, label) switch
    {
        ("tool_error", "recovered_by_retry") => 0,
        ("tool_error", _) => 2,
        ("llm_error", "rate_limited") => 0,
        ("llm_error", _) => 1,
        ("loop", _) => confidence >= 0.875m ? 2 : 1,
        ("retry_storm", _) => 1,
        ("context_overflow", _) => 2,
        ("empty_output", _) => 1,
        ("step_budget", _) => 2,
        ("unhandled_error", _) => 2,
        _ => 1,
    };
}
