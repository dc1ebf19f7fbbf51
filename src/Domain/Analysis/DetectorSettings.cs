using System.Globalization;
using System.Text;

namespace Tracing.Domain.Analysis;

/// <summary>A model family's context window, matched by (case-insensitive) model-name prefix.</summary>
public sealed record ContextWindow(string ModelPrefix, long Tokens);

/// <summary>
/// Every threshold the detectors use. Overridable, but any change also changes <see cref="DetectorSet.Version"/>,
/// because a stored finding is only reproducible with the settings that produced it.
/// </summary>
public sealed record DetectorSettings
{
    // Declared before Default: static fields initialize in text order and Default reads this table.
    /// <summary>Small, deliberately conservative table; the longest matching prefix wins, so order does not matter.</summary>
    public static readonly IReadOnlyList<ContextWindow> BuiltInWindows =
    [
        new("gpt-4o", 128_000),
        new("gpt-4.1", 1_047_576),
        new("gpt-4-turbo", 128_000),
        new("gpt-4", 8_192),
        new("gpt-3.5-turbo", 16_385),
        new("claude-3", 200_000),
        new("claude-sonnet-4", 200_000),
        new("claude-opus-4", 200_000),
        new("gemini-1.5-pro", 2_000_000),
        new("gemini-1.5-flash", 1_048_576),
    ];

    public static readonly DetectorSettings Default = new();

    /// <summary>Identical consecutive calls (or cycle repetitions) that make a loop.</summary>
    public int LoopThreshold { get; init; } = 3;

    /// <summary>Longest cycle of tool calls (A,B,A,B... is 2) the loop detector looks for.</summary>
    public int LoopMaxCycle { get; init; } = 3;

    /// <summary>A retry storm is <see cref="RetryStormThreshold"/> retry signals within this many consecutive seqs.</summary>
    public int RetryStormWindow { get; init; } = 10;

    public int RetryStormThreshold { get; init; } = 3;

    /// <summary>Step budget when the session declared no <c>max_steps</c>.</summary>
    public int DefaultMaxSteps { get; init; } = 50;

    /// <summary>Window for models no prefix matches; null means such requests are judged only by explicit errors.</summary>
    public long? DefaultContextWindow { get; init; }

    public IReadOnlyList<ContextWindow> ContextWindows { get; init; } = BuiltInWindows;

    /// <summary>
    /// A stable text of every setting, one per line in a fixed order, numbers formatted invariantly and the
    /// window table sorted: two settings that behave the same produce the same text (and the same version).
    /// </summary>
    public string Canonical()
    {
        var sb = new StringBuilder();
        Line(sb, "loop_threshold", LoopThreshold);
        Line(sb, "loop_max_cycle", LoopMaxCycle);
        Line(sb, "retry_storm_window", RetryStormWindow);
        Line(sb, "retry_storm_threshold", RetryStormThreshold);
        Line(sb, "default_max_steps", DefaultMaxSteps);
        Line(sb, "default_context_window", DefaultContextWindow);
        foreach (var w in ContextWindows.OrderBy(w => w.ModelPrefix.ToLowerInvariant(), StringComparer.Ordinal))
            Line(sb, "context_window." + w.ModelPrefix.ToLowerInvariant(), w.Tokens);
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string name, long? value) =>
        sb.Append(name).Append('=').Append(value?.ToString(CultureInfo.InvariantCulture) ?? "none").Append('\n');
}
