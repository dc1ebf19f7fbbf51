using System.Text;

namespace Tracing.Domain.Fixes;

/// <summary>A proposed change: what to do and why (plan) and the unified diff against the agent configuration.</summary>
public sealed record FixPlan(string Plan, string Diff);

/// <summary>
/// The deterministic fix per detector, used when no model is configured or the model's answer is unusable. Each rule
/// is a small set of settings (docs/adr/0008-incidents.md); the diff is generated against the registered config, so
/// it always applies.
/// </summary>
public static class FallbackFixes
{
    public static IReadOnlyList<SettingChange> SettingsFor(string detector, string label) => (detector, label) switch
    {
        ("loop", _) =>
        [
            new("max_repeated_tool_calls", "2", SettingRule.AtMost, "stop an identical tool call from repeating"),
            new("on_repeated_tool_call", "replan", Why: "make the agent change approach instead of looping"),
        ],
        ("retry_storm", var l) =>
        [
            new("retry_backoff", "exponential", Why: "space retries out instead of hammering the provider"),
            new("retry_initial_delay_ms", "1000", SettingRule.AtLeast, "wait before the first retry"),
            new("retry_max_attempts", "3", SettingRule.AtMost, "bound the burst"),
            .. l == "rate_limited" ? [new SettingChange("respect_retry_after", "true", Why: "honour the provider's Retry-After")] : Array.Empty<SettingChange>(),
        ],
        ("tool_error", "carried_on") =>
        [
            new("on_tool_error", "surface_to_model", Why: "the agent continued as if the failed call had succeeded"),
            new("tool_retry_attempts", "2", SettingRule.AtLeast, "retry a failed tool call once before giving up"),
        ],
        ("tool_error", _) =>
        [
            new("tool_retry_attempts", "3", SettingRule.AtMost, "bound retries of a failing tool"),
            new("tool_retry_backoff_ms", "1000", SettingRule.AtLeast, "back off between tool retries"),
            new("on_tool_error", "surface_to_model", Why: "let the model see the error and choose another route"),
        ],
        ("llm_error", var l) =>
        [
            new("llm_max_retries", "2", SettingRule.AtLeast, "retry transient provider errors"),
            new("llm_retry_backoff_ms", "2000", SettingRule.AtLeast, "back off between LLM retries"),
            .. l == "timeout" ? [new SettingChange("llm_timeout_seconds", "120", SettingRule.AtLeast, "the provider timed out")] : Array.Empty<SettingChange>(),
        ],
        ("context_overflow", _) =>
        [
            new("max_context_tokens", "100000", SettingRule.AtMost, "keep requests inside the model's window"),
            new("context_truncation", "drop_oldest_tool_outputs", Why: "trim history before the window overflows"),
            new("max_tool_output_chars", "8000", SettingRule.AtMost, "large tool outputs fill the window"),
        ],
        ("empty_output", "unparseable_structured_output") =>
        [
            new("structured_output", "json_schema", Why: "ask the provider to enforce the JSON shape"),
            new("max_output_tokens", "4096", SettingRule.AtLeast, "truncated answers are not valid JSON"),
        ],
        ("empty_output", _) =>
        [
            new("require_non_empty_output", "true", Why: "treat an empty answer as a failure"),
            new("empty_output_retries", "1", SettingRule.AtLeast, "ask again once"),
        ],
        ("step_budget", _) =>
        [
            new("max_steps", "50", SettingRule.AtMost, "stop runaway runs"),
            new("on_step_budget_exceeded", "summarize_and_stop", Why: "end with a summary instead of running past the budget"),
        ],
        _ =>
        [
            new("on_error", "report_and_stop", Why: "end the run with a clear error instead of failing silently"),
            new("log_errors", "true", Why: "keep the error details in the trace"),
        ],
    };

    public static FixPlan For(string detector, string label, string title, string config)
    {
        var edit = ConfigEdit.Apply(config, SettingsFor(detector, label));
        var plan = new StringBuilder();
        plan.Append("Rule-based fix for ").Append(detector).Append(" (").Append(label).Append("): ").Append(title).Append('\n');
        if (edit.Applied.Count == 0) plan.Append("The configuration already has these settings; no change proposed.\n");
        foreach (var c in edit.Applied)
            plan.Append("- set ").Append(c.Key).Append(" to ").Append(c.Value).Append(": ").Append(c.Why).Append('\n');
        return new FixPlan(plan.ToString().TrimEnd('\n'), UnifiedDiff.Create(config, edit.Text));
    }
}
