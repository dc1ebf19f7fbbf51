using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Tracing.Domain.Incidents;

/// <summary>
/// An incident is keyed by (project, fingerprint). Its id is derived from that key, so every node and every
/// rebuild computes the same id without coordination.
/// </summary>
public static partial class IncidentIds
{
    [GeneratedRegex("^inc_[0-9a-f]{16}$")]
    private static partial Regex Valid();

    /// <summary><c>inc_</c> + the first 16 hex of SHA-256 over "{project}/{fingerprint}" (project ids never contain '/').</summary>
    public static string For(string projectId, string fingerprint) =>
        "inc_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(projectId + "/" + fingerprint)))[..16];

    public static bool IsValid(string? id) => id is not null && Valid().IsMatch(id);

    /// <summary>
    /// The incident's own event stream (triage, fix proposals). It starts with "{project}/" like session streams, so
    /// project-scoped reads (the live stream) include it; '~' can never appear in a session id, so it cannot collide.
    /// </summary>
    public static string StreamKey(string projectId, string incidentId) => $"{projectId}/{StreamMarker}{incidentId}";

    public const string StreamMarker = "~incident/";

    /// <summary>The incident id of a stream key's session part ("~incident/inc_..."), or null for a session stream.</summary>
    public static string? FromSessionPart(string sessionPart) =>
        sessionPart.StartsWith(StreamMarker, StringComparison.Ordinal) ? sessionPart[StreamMarker.Length..] : null;
}
