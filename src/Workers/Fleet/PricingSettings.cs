using System.Globalization;
using Tracing.Domain.Fleet;

using Microsoft.Extensions.Configuration;

namespace Tracing.Workers.Fleet;

/// <summary>
/// Reads the price table from configuration (ADR 0020): <c>Tracing:Pricing:Models:{model}:Input|Output|CachedInput</c>
/// (USD per million tokens) adds to or replaces the built-in defaults; <c>Tracing:Pricing:Workspaces:{workspace}:{model}:…</c>
/// overrides them for one workspace.
/// </summary>
public static class PricingSettings
{
    public static PriceTable From(IConfiguration config)
    {
        var section = config.GetSection("Tracing:Pricing");
        var models = Models(section.GetSection("Models"));
        var workspaces = section.GetSection("Workspaces").GetChildren()
            .ToDictionary(ws => ws.Key, ws => (IReadOnlyDictionary<string, ModelPrice>)Models(ws), StringComparer.Ordinal);
        return models.Count == 0 && workspaces.Count == 0 ? PriceTable.Defaults : new PriceTable(models, workspaces);
    }

    private static Dictionary<string, ModelPrice> Models(IConfigurationSection section) =>
        section.GetChildren().ToDictionary(m => m.Key, m => new ModelPrice(
            Dec(m, "Input") ?? throw Missing(m, "Input"), Dec(m, "Output") ?? throw Missing(m, "Output"), Dec(m, "CachedInput")),
            StringComparer.OrdinalIgnoreCase);

    private static decimal? Dec(IConfigurationSection m, string name) =>
        m[name] is { } raw ? decimal.Parse(raw, NumberStyles.Number, CultureInfo.InvariantCulture) : null;

    private static InvalidOperationException Missing(IConfigurationSection m, string name) =>
        new($"{m.Path}:{name} is required (USD per million tokens).");
}
