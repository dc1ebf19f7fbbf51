namespace Tracing.Domain.Audit;

/// <summary>Ids that sort by creation time: prefix + 12 hex of Unix milliseconds + 10 random hex. Time and randomness come in.</summary>
public static class SortableIds
{
    public static string New(string prefix, DateTimeOffset now, ReadOnlySpan<byte> random5) =>
        $"{prefix}{now.ToUnixTimeMilliseconds():x12}{Convert.ToHexStringLower(random5[..5])}";
}
