using System.Text.RegularExpressions;

namespace Tracing.Domain.Artifacts;

/// <summary>
/// Content addresses: an object's storage path is derived from its SHA-256 only (<c>sha256/ab/cd/&lt;hash&gt;</c>),
/// so identical content is stored once and no client-supplied name ever reaches a path.
/// </summary>
public static partial class StoragePaths
{
    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    public static bool IsSha256(string? hex) => hex is not null && Sha256Hex().IsMatch(hex);

    /// <summary>The storage path of content with this (lower-case hex) SHA-256.</summary>
    public static string For(string sha256)
    {
        if (!IsSha256(sha256)) throw new ArgumentException("not a lower-case hex SHA-256", nameof(sha256));
        return $"sha256/{sha256[..2]}/{sha256[2..4]}/{sha256}";
    }

    /// <summary>True only for a well-formed content address; anything else (.., /, other names) is refused.</summary>
    public static bool IsValid(string? path) =>
        path is { Length: 7 + 3 + 3 + 64 } && path.StartsWith("sha256/", StringComparison.Ordinal) &&
        IsSha256(path[^64..]) && For(path[^64..]) == path;
}
