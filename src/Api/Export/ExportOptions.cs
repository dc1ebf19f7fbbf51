using System.Text.RegularExpressions;
using Tracing.Domain.Export;

namespace Tracing.Api.Export;

/// <summary>
/// Export limits and redaction (docs/export.md): <c>Tracing:Export:MaxSessions</c> (10,000) and <c>MaxEvents</c>
/// (1,000,000) cap one export (explicitly reported as truncated); <c>Tracing:Export:Redaction:Keys</c> and
/// <c>:Patterns</c> (regular expressions) replace the default redaction rules.
/// </summary>
public sealed record ExportOptions(int MaxSessions, long MaxEvents, RedactionRules Redaction)
{
    public static ExportOptions From(IConfiguration config)
    {
        var s = config.GetSection("Tracing:Export");
        var keys = s.GetSection("Redaction:Keys").Get<string[]>();
        var patterns = s.GetSection("Redaction:Patterns").Get<string[]>()?
            .Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));
        return new ExportOptions(s.GetValue("MaxSessions", 10_000), s.GetValue("MaxEvents", 1_000_000L),
            keys is null && patterns is null ? RedactionRules.Default : new RedactionRules(keys, patterns));
    }
}
