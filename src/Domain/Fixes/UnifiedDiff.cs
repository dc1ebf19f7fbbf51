using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tracing.Domain.Fixes;

/// <summary>The outcome of applying a diff: the new text, or why it does not apply.</summary>
public sealed record DiffApplication(string? Text, string? Error)
{
    public bool Applies => Error is null;
}

/// <summary>
/// A small, strict unified-diff applier and generator for one text file. Pure. A hunk applies when its context and
/// removed lines match the original exactly (line endings normalised to \n); like <c>git apply</c>, a hunk may sit at
/// an offset from its stated line, but never with fuzz. Line endings in the result are \n.
/// </summary>
public static partial class UnifiedDiff
{
    public const int MaxDiffChars = 256 * 1024;
    private const int Context = 3;
    private const string NoNewline = "\\ No newline at end of file";

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")]
    private static partial Regex HunkHeader();

    private sealed record Line(char Op, string Text);

    private sealed class Hunk
    {
        public int OldStart, OldCount, NewStart, NewCount;
        public List<Line> Lines { get; } = [];
        public bool OldNoNewline, NewNoNewline;
        public IEnumerable<string> OldSide => Lines.Where(l => l.Op != '+').Select(l => l.Text);
        public IEnumerable<string> NewSide => Lines.Where(l => l.Op != '-').Select(l => l.Text);
    }

    public static DiffApplication Apply(string original, string diff)
    {
        if (diff.Length > MaxDiffChars) return Fail($"the diff is larger than {MaxDiffChars} characters");
        var (hunks, error) = Parse(diff);
        if (error is not null) return Fail(error);
        var (lines, trailing) = SplitLines(original);
        var result = new List<string>(lines.Count + 16);
        var cursor = 0; // next original line not yet copied
        for (var h = 0; h < hunks.Count; h++)
        {
            var hunk = hunks[h];
            var old = hunk.OldSide.ToList();
            var at = hunk.OldCount == 0 ? Math.Min(hunk.OldStart, lines.Count) : Locate(lines, old, hunk.OldStart - 1, cursor);
            if (at < 0 || at < cursor)
                return Fail(Inv($"hunk {h + 1} (@@ -{hunk.OldStart},{hunk.OldCount}) does not match the original"));
            result.AddRange(lines.Skip(cursor).Take(at - cursor));
            result.AddRange(hunk.NewSide);
            cursor = at + old.Count;
            if (cursor == lines.Count) trailing = !hunk.NewNoNewline;
        }
        result.AddRange(lines.Skip(cursor));
        return new DiffApplication(Join(result, trailing), null);
    }

    /// <summary>A one-hunk diff from <paramref name="original"/> to <paramref name="modified"/> (empty when equal).</summary>
    public static string Create(string original, string modified, string path = "agent-config")
    {
        var (a, aTrail) = SplitLines(original);
        var (b, bTrail) = SplitLines(modified);
        if (a.SequenceEqual(b) && (aTrail == bTrail || a.Count == 0)) return "";
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        if (aTrail == bTrail)
            while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;
        if (prefix == Math.Min(a.Count, b.Count) && aTrail != bTrail && prefix > 0) prefix--; // the last line changes its ending

        var before = Math.Min(Context, prefix);
        var after = Math.Min(Context, suffix);
        int oldFrom = prefix - before, oldTo = a.Count - suffix + after, newFrom = prefix - before, newTo = b.Count - suffix + after;
        var sb = new StringBuilder();
        sb.Append("--- a/").Append(path).Append('\n').Append("+++ b/").Append(path).Append('\n');
        sb.Append(Inv($"@@ -{Start(oldFrom, oldTo)},{oldTo - oldFrom} +{Start(newFrom, newTo)},{newTo - newFrom} @@\n"));
        void Emit(char op, string text, bool oldLast, bool newLast)
        {
            sb.Append(op).Append(text).Append('\n');
            if ((oldLast && !aTrail) || (newLast && !bTrail)) sb.Append(NoNewline).Append('\n');
        }
        for (var i = oldFrom; i < prefix; i++) Emit(' ', a[i], i == a.Count - 1, i == b.Count - 1);
        for (var i = prefix; i < a.Count - suffix; i++) Emit('-', a[i], i == a.Count - 1, false);
        for (var i = prefix; i < b.Count - suffix; i++) Emit('+', b[i], false, i == b.Count - 1);
        for (var k = 0; k < after; k++)
        {
            int i = a.Count - suffix + k, j = b.Count - suffix + k;
            Emit(' ', a[i], i == a.Count - 1, j == b.Count - 1);
        }
        return sb.ToString();
    }

    private static int Start(int from, int to) => to - from == 0 ? from : from + 1;

    private static (List<Hunk> Hunks, string? Error) Parse(string diff)
    {
        var lines = diff.Replace("\r\n", "\n").Split('\n');
        var hunks = new List<Hunk>();
        Hunk? current = null;
        int oldSeen = 0, newSeen = 0;
        var headers = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (current is not null && (oldSeen < current.OldCount || newSeen < current.NewCount))
            {
                if (line.Length == 0 && i == lines.Length - 1) break; // the diff's final newline, not a line
                var op = line.Length == 0 ? ' ' : line[0]; // an empty line is an empty context line whose space was trimmed
                var text = line.Length == 0 ? "" : line[1..];
                switch (op)
                {
                    case ' ': oldSeen++; newSeen++; break;
                    case '-': oldSeen++; break;
                    case '+': newSeen++; break;
                    case '\\': MarkNoNewline(current); continue;
                    default: return ([], Inv($"hunk {hunks.Count} ends before its stated line counts ({current.OldCount}, {current.NewCount})"));
                }
                if (oldSeen > current.OldCount || newSeen > current.NewCount)
                    return ([], Inv($"hunk {hunks.Count} has more lines than its header states"));
                current.Lines.Add(new Line(op, text));
                continue;
            }
            if (line.StartsWith('\\') && current is not null) { MarkNoNewline(current); continue; }
            var m = HunkHeader().Match(line);
            if (m.Success)
            {
                current = new Hunk
                {
                    OldStart = Num(m.Groups[1]), OldCount = m.Groups[2].Success ? Num(m.Groups[2]) : 1,
                    NewStart = Num(m.Groups[3]), NewCount = m.Groups[4].Success ? Num(m.Groups[4]) : 1,
                };
                if (current.OldStart < 0 || current.OldCount < 0 || current.NewCount < 0) return ([], "a hunk header has an invalid range");
                hunks.Add(current);
                (oldSeen, newSeen) = (0, 0);
                continue;
            }
            if (line.StartsWith("--- ", StringComparison.Ordinal) && ++headers > 1)
                return ([], "the diff changes more than one file");
            if (line.Length == 0 || line.StartsWith("--- ") || line.StartsWith("+++ ") || line.StartsWith("diff ") || line.StartsWith("index "))
                continue;
            if (current is null) continue; // preamble text before the first hunk
            return ([], Inv($"unexpected line {i + 1} outside a hunk"));
        }
        if (current is not null && (oldSeen < current.OldCount || newSeen < current.NewCount))
            return ([], Inv($"hunk {hunks.Count} ends before its stated line counts ({current.OldCount}, {current.NewCount})"));
        return hunks.Count == 0 ? ([], "the diff has no hunks") : (hunks, null);
    }

    private static void MarkNoNewline(Hunk h)
    {
        if (h.Lines.Count == 0) return;
        switch (h.Lines[^1].Op)
        {
            case '-': h.OldNoNewline = true; break;
            case '+': h.NewNoNewline = true; break;
            default: h.OldNoNewline = h.NewNoNewline = true; break;
        }
    }

    /// <summary>Where the hunk's old lines occur: at the stated index if they match there, else the nearest match at or after <paramref name="min"/>.</summary>
    private static int Locate(List<string> lines, List<string> old, int stated, int min)
    {
        bool MatchesAt(int at)
        {
            if (at < min || at + old.Count > lines.Count) return false;
            for (var k = 0; k < old.Count; k++)
                if (!string.Equals(old[k], lines[at + k], StringComparison.Ordinal)) return false;
            return true;
        }
        if (MatchesAt(stated)) return stated;
        for (var d = 1; d <= lines.Count; d++)
        {
            if (MatchesAt(stated - d)) return stated - d;
            if (MatchesAt(stated + d)) return stated + d;
        }
        return -1;
    }

    private static (List<string> Lines, bool Trailing) SplitLines(string text)
    {
        var t = text.Replace("\r\n", "\n");
        if (t.Length == 0) return ([], false);
        var trailing = t.EndsWith('\n');
        var parts = (trailing ? t[..^1] : t).Split('\n').ToList();
        return (parts, trailing);
    }

    private static string Join(List<string> lines, bool trailing) =>
        lines.Count == 0 ? "" : string.Join('\n', lines) + (trailing ? "\n" : "");

    private static int Num(Group g) => int.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;

    private static DiffApplication Fail(string error) => new(null, error);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
