namespace Tracing.Domain.Fleet;

/// <summary>
/// Built-in list prices (USD per million tokens: input, output, cached input) of common models, as published by their
/// vendors in 2025. Operators override or extend them with Tracing:Pricing (docs/stats.md).
/// </summary>
public static class DefaultPrices
{
    public static readonly IReadOnlyDictionary<string, ModelPrice> All = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o"] = new(2.50m, 10.00m, 1.25m),
        ["gpt-4o-mini"] = new(0.15m, 0.60m, 0.075m),
        ["gpt-4.1"] = new(2.00m, 8.00m, 0.50m),
        ["gpt-4.1-mini"] = new(0.40m, 1.60m, 0.10m),
        ["gpt-4.1-nano"] = new(0.10m, 0.40m, 0.025m),
        ["gpt-5"] = new(1.25m, 10.00m, 0.125m),
        ["gpt-5-mini"] = new(0.25m, 2.00m, 0.025m),
        ["o3"] = new(2.00m, 8.00m, 0.50m),
        ["o4-mini"] = new(1.10m, 4.40m, 0.275m),
        ["claude-opus-4"] = new(15.00m, 75.00m, 1.50m),
        ["claude-sonnet-4"] = new(3.00m, 15.00m, 0.30m),
        ["claude-3-7-sonnet"] = new(3.00m, 15.00m, 0.30m),
        ["claude-3-5-sonnet"] = new(3.00m, 15.00m, 0.30m),
        ["claude-3-5-haiku"] = new(0.80m, 4.00m, 0.08m),
        ["gemini-2.5-pro"] = new(1.25m, 10.00m, 0.31m),
        ["gemini-2.5-flash"] = new(0.30m, 2.50m, 0.075m),
        ["gemini-2.0-flash"] = new(0.10m, 0.40m, 0.025m),
        ["mistral-large"] = new(2.00m, 6.00m),
        ["mistral-small"] = new(0.10m, 0.30m),
    };
}
