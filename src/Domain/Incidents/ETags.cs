using System.Globalization;

namespace Tracing.Domain.Incidents;

/// <summary>
/// Strong ETags over a version and a change counter the version does not cover (for incidents: reopens by regression),
/// and If-Match checks against them (RFC 9110).
/// </summary>
public static class ETags
{
    public static string For(long version, int changes = 0) =>
        "\"" + version.ToString(CultureInfo.InvariantCulture) + "-" + changes.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>True when the If-Match header (a list of entity tags or *) names this state.</summary>
    public static bool Matches(string ifMatch, long version, int changes = 0)
    {
        var current = For(version, changes);
        foreach (var raw in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw == "*") return true;
            var tag = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
            if (tag == current || tag == current.Trim('"')) return true;
        }
        return false;
    }
}
