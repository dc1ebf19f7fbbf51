namespace Tracing.Domain.Analysis;

/// <summary>Settings that would make a detector meaningless are a configuration bug, caught at startup.</summary>
public static class SettingsCheck
{
    public static string? Problem(DetectorSettings s)
    {
        if (s.LoopThreshold < 2) return "LoopThreshold must be at least 2";
        if (s.LoopMaxCycle < 1) return "LoopMaxCycle must be at least 1";
        if (s.RetryStormWindow < 1) return "RetryStormWindow must be at least 1";
        if (s.RetryStormThreshold < 2) return "RetryStormThreshold must be at least 2";
        if (s.DefaultMaxSteps < 1) return "DefaultMaxSteps must be at least 1";
        if (s.DefaultContextWindow is < 1) return "DefaultContextWindow must be positive";
        if (s.ContextWindows.Any(w => string.IsNullOrWhiteSpace(w.ModelPrefix) || w.Tokens < 1))
            return "every context window needs a model prefix and a positive token count";
        var duplicate = s.ContextWindows.GroupBy(w => w.ModelPrefix.ToLowerInvariant()).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"context window prefix '{duplicate.Key}' is listed twice";
    }
}
