using System.Text.RegularExpressions;

namespace Tracing.Domain.Export;

/// <summary>
/// What an export hides unless raw is asked for (ADR 0020): the values of sensitive keys (matched case-insensitively at
/// any depth, whatever their type), and e-mail addresses and card numbers (13-19 digits passing the Luhn check)
/// inside any string. Operators replace the lists with Tracing:Export:Redaction:Keys and :Patterns.
/// </summary>
public sealed class RedactionRules
{
    public const string Replacement = "[REDACTED]";

    public static readonly string[] DefaultKeys =
        ["content", "messages", "prompt", "completion", "api_key", "apikey", "authorization", "password", "secret", "token",
         "access_token", "refresh_token", "cookie", "set-cookie"];

    public static readonly Regex Email = new(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    public static readonly Regex CardNumber = new(@"\b(?:\d[ -]?){12,18}\d\b", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public RedactionRules(IEnumerable<string>? keys = null, IEnumerable<Regex>? patterns = null)
    {
        Keys = new HashSet<string>(keys ?? DefaultKeys, StringComparer.OrdinalIgnoreCase);
        Patterns = patterns?.ToArray() ?? [];
    }

    public static RedactionRules Default { get; } = new();

    public IReadOnlySet<string> Keys { get; }

    /// <summary>Extra patterns replaced inside strings, on top of e-mail addresses and card numbers.</summary>
    public IReadOnlyList<Regex> Patterns { get; }

    public string RedactString(string s)
    {
        if (s.Length == 0) return s;
        var r = Email.Replace(s, "[REDACTED:email]");
        r = CardNumber.Replace(r, m => Luhn(m.Value) ? "[REDACTED:card]" : m.Value);
        foreach (var p in Patterns) r = p.Replace(r, Replacement);
        return r;
    }

    private static bool Luhn(string candidate)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = candidate.Length - 1; i >= 0; i--)
        {
            var c = candidate[i];
            if (c is ' ' or '-') continue;
            var d = c - '0';
            if (doubleIt && (d *= 2) > 9) d -= 9;
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }
}
