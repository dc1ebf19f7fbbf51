namespace Tracing.Domain.Fleet;

/// <summary>
/// Model prices for server-side cost (ADR 0020): built-in defaults, overridden by configuration, and per workspace.
/// A model matches its exact name first, then the longest configured prefix ("gpt-4o-2024-08-06" → "gpt-4o"),
/// case-insensitively. Read by the fleet projection only, so a price change applies when that projection is rebuilt.
/// </summary>
public sealed class PriceTable
{
    private readonly IReadOnlyDictionary<string, ModelPrice> _global;
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, ModelPrice>> _workspaces;

    public PriceTable(IReadOnlyDictionary<string, ModelPrice>? overrides = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, ModelPrice>>? workspaces = null)
    {
        var merged = new Dictionary<string, ModelPrice>(DefaultPrices.All, StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in overrides ?? new Dictionary<string, ModelPrice>()) merged[model] = price;
        _global = merged;
        _workspaces = workspaces ?? new Dictionary<string, IReadOnlyDictionary<string, ModelPrice>>();
    }

    public static PriceTable Defaults { get; } = new();

    public ModelPrice? Find(string workspace, string? model)
    {
        if (string.IsNullOrEmpty(model)) return null;
        if (_workspaces.TryGetValue(workspace, out var own) && Match(own, model) is { } p) return p;
        return Match(_global, model);
    }

    private static ModelPrice? Match(IReadOnlyDictionary<string, ModelPrice> prices, string model)
    {
        if (prices.TryGetValue(model, out var exact)) return exact;
        ModelPrice? best = null;
        var bestLength = 0;
        foreach (var (name, price) in prices)
            if (name.Length > bestLength && model.StartsWith(name, StringComparison.OrdinalIgnoreCase))
                (best, bestLength) = (price, name.Length);
        return best;
    }
}
