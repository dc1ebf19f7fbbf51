using System.Globalization;

namespace Tracing.Domain.Analysis;

/// <summary>Summary text helpers. Every number goes through the invariant culture so summaries are byte-stable.</summary>
internal static class Summaries
{
    public const int MaxQuoted = 120;

    public static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A client-supplied string, shortened and on one line, for embedding in a summary.</summary>
    public static string Clip(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var one = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        if (one.Length <= MaxQuoted) return one;
        var cut = char.IsHighSurrogate(one[MaxQuoted - 1]) ? MaxQuoted - 1 : MaxQuoted; // never split an emoji
        return one[..cut] + "...";
    }

    public static string Describe(ErrorInfo e) =>
        (e.Type, Clip(e.Message)) switch
        {
            (null, "") => "no error details",
            (null, var m) => m,
            (var t, "") => t,
            (var t, var m) => $"{t}: {m}",
        };
}
