using System.Buffers;
using System.Text.Unicode;

namespace Tracing.Domain.Artifacts;

/// <summary>
/// Content signatures, checked against the first bytes of an upload. Pure: bytes in, yes or no out.
/// Text types (JSON, plain text, HTML) are recognised as NUL-free UTF-8 with a plausible first character.
/// </summary>
public static class MagicBytes
{
    /// <summary>How many leading bytes the checks look at.</summary>
    public const int HeadLength = 4096;

    /// <summary>Does <paramref name="head"/> look like <paramref name="type"/>? <paramref name="complete"/>: head is the whole content.</summary>
    public static bool Matches(string type, ReadOnlySpan<byte> head, bool complete) => type switch
    {
        ArtifactTypes.Png => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ArtifactTypes.Jpeg => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        ArtifactTypes.Gif => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8),
        ArtifactTypes.WebP => head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8),
        ArtifactTypes.WebM => head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]) && head[..Math.Min(head.Length, 64)].IndexOf("webm"u8) > 0,
        ArtifactTypes.Mp4 => head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8),
        ArtifactTypes.Gzip => head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B, 0x08]),
        ArtifactTypes.Zip => head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]) || head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x05, 0x06]),
        ArtifactTypes.Text => IsText(head, complete),
        ArtifactTypes.Json => IsText(head, complete) && FirstSignificant(head) is (byte)'{' or (byte)'[',
        ArtifactTypes.Html => IsText(head, complete) && FirstSignificant(head) is (byte)'<',
        _ => false,
    };

    /// <summary>The binary type whose signature the head carries, or null. Text types are never guessed.</summary>
    public static string? Detect(ReadOnlySpan<byte> head, bool complete)
    {
        foreach (var type in ArtifactTypes.Allowed)
        {
            if (type is ArtifactTypes.Text or ArtifactTypes.Json or ArtifactTypes.Html) continue;
            if (Matches(type, head, complete)) return type;
        }
        return null;
    }

    /// <summary>NUL-free UTF-8. A head cut from longer content may end inside a character: only such an incomplete
    /// final sequence is forgiven, never invalid bytes.</summary>
    public static bool IsText(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.Length == 0 || head.Contains((byte)0)) return false;
        Span<char> chars = stackalloc char[512];
        while (true)
        {
            var status = Utf8.ToUtf16(head, chars, out var read, out _, replaceInvalidSequences: false, isFinalBlock: complete);
            head = head[read..];
            if (status != OperationStatus.DestinationTooSmall) return status is OperationStatus.Done or OperationStatus.NeedMoreData;
        }
    }

    private static byte? FirstSignificant(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) head = head[3..];
        foreach (var b in head)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return b;
        return null;
    }
}
