namespace Tracing.Domain.Fleet;

/// <summary>USD per million tokens. <see cref="CachedInput"/> applies to the cached share of the input tokens.</summary>
public sealed record ModelPrice(decimal Input, decimal Output, decimal? CachedInput = null)
{
    /// <summary>The cost of one call; <paramref name="cachedInput"/> is a part of <paramref name="input"/> (clamped to it).</summary>
    public decimal Cost(long input, long output, long cachedInput)
    {
        var cached = Math.Clamp(cachedInput, 0, Math.Max(0, input));
        var fresh = Math.Max(0, input) - cached;
        return (fresh * Input + cached * (CachedInput ?? Input) + Math.Max(0, output) * Output) / 1_000_000m;
    }
}
