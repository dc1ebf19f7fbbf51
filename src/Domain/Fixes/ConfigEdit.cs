using System.Globalization;
using System.Text.RegularExpressions;

namespace Tracing.Domain.Fixes;

/// <summary>How a fallback rule changes one setting.</summary>
public enum SettingRule { Set, AtMost, AtLeast }

/// <summary>One setting a fallback fix wants: <c>key: value</c>, or a numeric bound on an existing value.</summary>
public sealed record SettingChange(string Key, string Value, SettingRule Rule = SettingRule.Set, string Why = "");

/// <summary>
/// Edits "key: value" / "key = value" lines of a free-form agent configuration, pure. An existing line keeps its
/// indentation and separator; a missing setting is appended in the file's style. Comments and unknown lines stay.
/// </summary>
public static class ConfigEdit
{
    public sealed record Result(string Text, IReadOnlyList<SettingChange> Applied);

    public static Result Apply(string config, IReadOnlyList<SettingChange> changes)
    {
        var text = config.Replace("\r\n", "\n");
        var lines = text.Length == 0 ? new List<string>() : text.TrimEnd('\n').Split('\n').ToList();
        var separator = lines.Any(l => Regex.IsMatch(l, @"^\s*[A-Za-z_][\w.-]*\s*=")) && !lines.Any(l => Regex.IsMatch(l, @"^\s*[A-Za-z_][\w.-]*\s*:"))
            ? " = " : ": ";
        var applied = new List<SettingChange>();
        foreach (var change in changes)
        {
            var pattern = new Regex(@"^(\s*)" + Regex.Escape(change.Key) + @"(\s*[:=]\s*)(.*?)\s*$");
            var index = lines.FindIndex(l => pattern.IsMatch(l));
            if (index < 0)
            {
                lines.Add(change.Key + separator + change.Value);
                applied.Add(change);
                continue;
            }
            var m = pattern.Match(lines[index]);
            var current = m.Groups[3].Value;
            if (!Needed(change, current)) continue;
            lines[index] = m.Groups[1].Value + change.Key + m.Groups[2].Value + change.Value;
            applied.Add(change);
        }
        return new Result(lines.Count == 0 ? "" : string.Join('\n', lines) + "\n", applied);
    }

    private static bool Needed(SettingChange change, string current)
    {
        var value = current.Split('#')[0].Trim().Trim('"', '\'');
        if (change.Rule == SettingRule.Set) return !string.Equals(value, change.Value, StringComparison.Ordinal);
        if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var have) ||
            !decimal.TryParse(change.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var want)) return true;
        return change.Rule == SettingRule.AtMost ? have > want : have < want;
    }
}
