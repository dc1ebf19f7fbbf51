namespace Tracing.Domain;

/// <summary>
/// Ids that sort by creation time: prefix + 16 hex of UTC ticks (100 ns) + 6 random hex, fixed width, so ordinal order
/// is time order (to the clock's precision, across nodes to their clock skew). Time and randomness come in.
/// </summary>
public static class SortableIds
{
    public static string New(string prefix, DateTimeOffset now, ReadOnlySpan<byte> random) =>
        $"{prefix}{now.UtcTicks:x16}{Convert.ToHexStringLower(random[..3])}";
}
