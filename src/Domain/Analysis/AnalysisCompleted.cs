using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tracing.Domain.Analysis;

/// <summary>
/// An analysis of a session was recorded: by the built-in detectors (trigger <c>on_demand</c>, <c>session_ended</c>,
/// <c>rerun</c>) or by a trusted server-side workflow (<c>external</c>, through PUT). Carries everything a reader needs.
/// </summary>
public sealed record AnalysisCompleted(
    string SessionId,
    string ProjectId,
    string DetectorVersion,
    long LastSeq,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<string> IncidentLinks,
    string ResultHash,
    string Trigger,
    string Actor,
    DateTimeOffset AnalyzedAt);

/// <summary>The idempotency rule of analysis, pure.</summary>
public static class AnalysisRecord
{
    /// <summary>Identity of a result: version, events covered, findings and links; not who or when.</summary>
    public static string Hash(string detectorVersion, long lastSeq, IReadOnlyList<Finding> findings, IReadOnlyList<string> links)
    {
        var text = JsonSerializer.Serialize(new { detectorVersion, lastSeq, findings, links }, AnalysisJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Record only when the result differs from the latest recorded one.</summary>
    public static bool ShouldRecord(string? latestHash, string hash) => latestHash != hash;
}
