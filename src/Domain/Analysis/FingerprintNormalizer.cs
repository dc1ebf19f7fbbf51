using System.Text.RegularExpressions;

namespace Tracing.Domain.Analysis;

/// <summary>
/// Turns an error message into its "shape" so the same failure groups across sessions:
/// <c>Timeout after 3000ms calling /v1/search (req_8f3k2lq9)</c> and
/// <c>Timeout after 5000ms calling /v1/lookup (req_x1y2z3w4)</c> both become
/// <c>timeout after &lt;num&gt;ms calling &lt;path&gt; (&lt;id&gt;)</c>.
/// Masks run in a fixed order, most specific first, so a timestamp is never half-masked as numbers.
/// Pure and culture-invariant.
/// </summary>
public static partial class FingerprintNormalizer
{
    public const int MaxLength = 256;

    public static string Normalize(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return "";
        var s = message.ToLowerInvariant();
        s = DoubleQuoted().Replace(s, "\"<str>\"");
        s = SingleQuoted().Replace(s, "'<str>'");
        s = BackQuoted().Replace(s, "`<str>`");
        s = Url().Replace(s, "<url>");
        s = Email().Replace(s, "<email>");
        s = Uuid().Replace(s, "<uuid>");
        s = Timestamp().Replace(s, "<ts>");
        s = Time().Replace(s, "<ts>");
        s = UnixPath().Replace(s, "<path>");
        s = WindowsPath().Replace(s, "<path>");
        s = Hex().Replace(s, "<hex>");
        s = PrefixedId().Replace(s, "<id>");
        s = MixedToken().Replace(s, "<id>");
        s = Number().Replace(s, "<num>");
        s = Spaces().Replace(s, " ").Trim();
        return s.Length <= MaxLength ? s : s[..MaxLength];
    }

    // Quoted values are usually user data (file names, queries); apostrophes inside words ("can't") are not quotes.
    [GeneratedRegex("\"[^\"\\r\\n]*\"", RegexOptions.CultureInvariant)]
    private static partial Regex DoubleQuoted();

    [GeneratedRegex(@"(?<!\w)'[^'\r\n]*'(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex SingleQuoted();

    [GeneratedRegex(@"`[^`\r\n]*`", RegexOptions.CultureInvariant)]
    private static partial Regex BackQuoted();

    [GeneratedRegex(@"\b[a-z][a-z0-9+.-]*://[^\s""'`<>)]+", RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(z|[+-]\d{2}:?\d{2})?)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\b\d{1,2}:\d{2}:\d{2}([.,]\d+)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex Time();

    // At least two segments ("/tmp/x", "./a/b", "~/x/y") so "and/or" or a lone "/" survive.
    [GeneratedRegex(@"(?<![\w.<>])(~|\.{1,2})?(/[\w.@%+=:-]+){2,}/?", RegexOptions.CultureInvariant)]
    private static partial Regex UnixPath();

    [GeneratedRegex(@"\b[a-z]:\\[^\s""'`]+", RegexOptions.CultureInvariant)]
    private static partial Regex WindowsPath();

    // 0x-literals, and bare hex runs of 8+ that mix digits and letters (hashes, trace ids).
    [GeneratedRegex(@"\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Hex();

    // Provider ids: a word prefix, a separator, then 4+ characters that include a digit (req_8f3k2l, chatcmpl-9xYz).
    [GeneratedRegex(@"\b[a-z]+[_-](?=[a-z0-9]*\d)[a-z0-9]{4,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixedId();

    // Long tokens mixing letters and digits (base62 ids, API keys).
    [GeneratedRegex(@"\b(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{10,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex MixedToken();

    // Not after a letter, so model names and versions keep their shape ("gpt-4o" -> "gpt-<num>o", "v2" stays).
    [GeneratedRegex(@"(?<![a-z])\d+([.,]\d+)*", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
