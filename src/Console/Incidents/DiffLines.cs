namespace Tracing.WebConsole.Incidents;

public enum DiffKind { File, Hunk, Added, Removed, Context }

/// <summary>One line of a unified diff with its old and new line numbers (null where the line has none).</summary>
public sealed record DiffLine(DiffKind Kind, int? OldNumber, int? NewNumber, string Text);

/// <summary>Parses a unified diff (the fix proposal's) into lines to render side by side with their numbers. Pure.</summary>
public static class DiffLines
{
    public static IReadOnlyList<DiffLine> Parse(string? diff)
    {
        var lines = new List<DiffLine>();
        if (string.IsNullOrEmpty(diff)) return lines;
        int oldNo = 0, newNo = 0;
        foreach (var raw in diff.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
        {
            if (raw.StartsWith("--- ", StringComparison.Ordinal) || raw.StartsWith("+++ ", StringComparison.Ordinal))
                lines.Add(new DiffLine(DiffKind.File, null, null, raw));
            else if (raw.StartsWith("@@", StringComparison.Ordinal))
            {
                (oldNo, newNo) = HunkStarts(raw);
                lines.Add(new DiffLine(DiffKind.Hunk, null, null, raw));
            }
            else if (raw.StartsWith('+')) lines.Add(new DiffLine(DiffKind.Added, null, newNo++, raw[1..]));
            else if (raw.StartsWith('-')) lines.Add(new DiffLine(DiffKind.Removed, oldNo++, null, raw[1..]));
            else if (raw.StartsWith('\\')) lines.Add(new DiffLine(DiffKind.Context, null, null, raw)); // "\ No newline at end of file"
            else lines.Add(new DiffLine(DiffKind.Context, oldNo++, newNo++, raw.Length > 0 ? raw[1..] : ""));
        }
        return lines;
    }

    /// <summary>"@@ -a,b +c,d @@": the first old and new line numbers of the hunk.</summary>
    private static (int Old, int New) HunkStarts(string header)
    {
        var parts = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (Start(parts.ElementAtOrDefault(1)), Start(parts.ElementAtOrDefault(2)));

        static int Start(string? range) =>
            range is { Length: > 1 } && int.TryParse(range[1..].Split(',')[0], out var n) ? n : 1;
    }
}
