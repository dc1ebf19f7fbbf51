using System.Text.RegularExpressions;

namespace Tracing.Domain.Artifacts;

/// <summary>Artifact ids are random and server-chosen: "art_" + 24 hex digits. Randomness comes in as an argument.</summary>
public static partial class ArtifactIds
{
    [GeneratedRegex("^art_[0-9a-f]{24}$")]
    private static partial Regex Format();

    public static string New(ReadOnlySpan<byte> random12) => "art_" + Convert.ToHexStringLower(random12[..12]);

    public static bool IsValid(string? id) => id is not null && Format().IsMatch(id);
}
