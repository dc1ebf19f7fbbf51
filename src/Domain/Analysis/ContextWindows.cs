namespace Tracing.Domain.Analysis;

/// <summary>Looks up a model's context window in the settings' prefix table.</summary>
public static class ContextWindows
{
    /// <summary>
    /// Longest case-insensitive prefix wins (<c>gpt-4o-mini</c> matches <c>gpt-4o</c>, not <c>gpt-4</c>).
    /// A routing prefix such as <c>openai/</c> is ignored. Returns the matched prefix for fingerprints.
    /// </summary>
    public static (string? Prefix, long? Tokens) For(string? model, DetectorSettings settings)
    {
        if (string.IsNullOrWhiteSpace(model)) return (null, settings.DefaultContextWindow);
        var name = model.AsSpan().Trim();
        var slash = name.LastIndexOf('/');
        if (slash >= 0) name = name[(slash + 1)..];

        // OrdinalIgnoreCase is culture-independent (invariant case folding), unlike a culture-aware comparison.
        ContextWindow? best = null;
        foreach (var w in settings.ContextWindows)
            if (name.StartsWith(w.ModelPrefix, StringComparison.OrdinalIgnoreCase) && (best is null || w.ModelPrefix.Length > best.ModelPrefix.Length))
                best = w;
        return best is null ? (null, settings.DefaultContextWindow) : (best.ModelPrefix.ToLowerInvariant(), best.Tokens);
    }
}
