using System.Text.Json;
using Tracing.Domain.Analysis;
using Xunit;

namespace Tracing.Tests.Analysis;

public class DetectorVersionTests
{
    [Fact]
    public void default_settings_give_the_base_version() =>
        Assert.Equal("detectors@1", new DetectorSet().Version);

    [Fact]
    public void changing_any_threshold_changes_the_version()
    {
        var d = DetectorSettings.Default;
        DetectorSettings[] changed =
        [
            d with { LoopThreshold = 4 }, d with { LoopMaxCycle = 2 }, d with { RetryStormWindow = 20 },
            d with { RetryStormThreshold = 5 }, d with { DefaultMaxSteps = 100 }, d with { DefaultContextWindow = 8_000 },
            d with { ContextWindows = [.. d.ContextWindows, new ContextWindow("mistral-large", 128_000)] },
            d with { ContextWindows = [.. d.ContextWindows.Select(w => w.ModelPrefix == "gpt-4o" ? w with { Tokens = 64_000 } : w)] },
        ];
        var versions = changed.Select(s => new DetectorSet(s).Version).ToList();
        Assert.All(versions, v => Assert.Matches("^detectors@1\\+[0-9a-f]{8}$", v));
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public void settings_that_behave_the_same_share_a_version()
    {
        var reordered = DetectorSettings.Default with { ContextWindows = [.. DetectorSettings.BuiltInWindows.Reverse()] };
        var upperCased = DetectorSettings.Default with { ContextWindows = [.. DetectorSettings.BuiltInWindows.Select(w => w with { ModelPrefix = w.ModelPrefix.ToUpperInvariant() })] };
        Assert.Equal("detectors@1", new DetectorSet(reordered).Version);
        Assert.Equal("detectors@1", new DetectorSet(upperCased).Version);
        Assert.Equal(new DetectorSet(DetectorSettings.Default with { LoopThreshold = 4 }).Version,
                     new DetectorSet(new DetectorSettings { LoopThreshold = 4 }).Version);
    }

    [Theory]
    [InlineData("{\"loop_threshold\": 1}")]
    [InlineData("{\"retry_storm_threshold\": 1}")]
    [InlineData("{\"default_max_steps\": 0}")]
    [InlineData("{\"context_windows\": [{\"model_prefix\": \"a\", \"tokens\": 1}, {\"model_prefix\": \"A\", \"tokens\": 2}]}")]
    public void meaningless_settings_are_refused(string json)
    {
        var settings = JsonSerializer.Deserialize<DetectorSettings>(json, AnalysisJson.Options)!;
        Assert.Throws<ArgumentException>(() => new DetectorSet(settings));
    }

    [Theory]
    [InlineData("gpt-4o-mini", "gpt-4o", 128_000L)]
    [InlineData("GPT-4.1-2025-04-14", "gpt-4.1", 1_047_576L)]
    [InlineData("gpt-4-0613", "gpt-4", 8_192L)]
    [InlineData("openrouter/anthropic/claude-3-5-haiku", "claude-3", 200_000L)]
    [InlineData("mistral-large", null, null)]
    [InlineData(null, null, null)]
    public void context_window_is_the_longest_matching_prefix(string? model, string? prefix, long? tokens) =>
        Assert.Equal((prefix, tokens), ContextWindows.For(model, DetectorSettings.Default));
}
