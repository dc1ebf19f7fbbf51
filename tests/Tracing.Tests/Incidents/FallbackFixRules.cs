using Tracing.Domain.Fixes;
using Xunit;

namespace Tracing.Tests.Incidents;

public sealed class FallbackFixRules
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "loop", "repeated_call", "max_repeated_tool_calls: 2" },
        { "retry_storm", "rate_limited", "respect_retry_after: true" },
        { "tool_error", "retries_exhausted", "tool_retry_backoff_ms: 1000" },
        { "tool_error", "carried_on", "on_tool_error: surface_to_model" },
        { "llm_error", "timeout", "llm_timeout_seconds: 120" },
        { "context_overflow", "input_exceeds_window", "context_truncation: drop_oldest_tool_outputs" },
        { "empty_output", "unparseable_structured_output", "structured_output: json_schema" },
        { "step_budget", "declared_budget_exceeded", "max_steps: 50" },
        { "unhandled_error", "ended_with_error", "on_error: report_and_stop" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void every_detector_gets_a_diff_that_applies_to_the_registered_config(string detector, string label, string expectedLine)
    {
        const string config = "# agent\nmodel: gpt-4o\nmax_steps: 80\nmax_repeated_tool_calls: 5  # generous\n";
        var fix = FallbackFixes.For(detector, label, "title", config);
        var applied = UnifiedDiff.Apply(config, fix.Diff);
        Assert.True(applied.Applies, applied.Error);
        Assert.Contains(expectedLine, applied.Text);
        Assert.Contains(detector, fix.Plan);
        Assert.StartsWith("# agent\nmodel: gpt-4o\n", applied.Text);
    }

    [Fact]
    public void an_existing_setting_is_lowered_in_place_keeping_its_style_and_a_lower_one_is_kept()
    {
        var lowered = ConfigEdit.Apply("limits:\n  max_repeated_tool_calls = 9\n", FallbackFixes.SettingsFor("loop", "cycle"));
        Assert.Equal("limits:\n  max_repeated_tool_calls = 2\non_repeated_tool_call: replan\n", lowered.Text);

        var kept = ConfigEdit.Apply("max_repeated_tool_calls = 1\n", FallbackFixes.SettingsFor("loop", "cycle"));
        Assert.Equal("max_repeated_tool_calls = 1\non_repeated_tool_call = replan\n", kept.Text);
        Assert.Single(kept.Applied);
    }

    [Fact]
    public void an_empty_config_gets_the_settings_appended()
    {
        var fix = FallbackFixes.For("step_budget", "default_budget_exceeded", "t", "");
        var applied = UnifiedDiff.Apply("", fix.Diff);
        Assert.Equal("max_steps: 50\non_step_budget_exceeded: summarize_and_stop\n", applied.Text);
    }
}
