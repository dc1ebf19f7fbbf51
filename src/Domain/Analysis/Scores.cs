namespace Tracing.Domain.Analysis;

/// <summary>
/// Confidence is a decimal, never a double: decimal arithmetic is exact and the serializer writes it
/// invariantly, so the same inputs give the same bytes on every machine and culture.
/// </summary>
public static class Scores
{
    /// <summary>Clamps to 0..1 and fixes the scale to exactly three places (0.8 becomes 0.800).</summary>
    public static decimal Normalize(decimal value)
    {
        var clamped = Math.Clamp(value, 0m, 1m);
        // Adding 0.000m raises the decimal's scale to 3, so equal values always print the same digits.
        return Math.Round(clamped, 3, MidpointRounding.AwayFromZero) + 0.000m;
    }

    /// <summary>1 - 1/2^(n-1): 3 repeats give 0.75, 4 give 0.875, approaching 1 (capped at 0.99).</summary>
    public static decimal Saturating(int repeats)
    {
        var c = 1m;
        for (var i = 1; i < repeats && i < 20; i++) c /= 2m;
        return Math.Min(0.99m, 1m - c);
    }
}
