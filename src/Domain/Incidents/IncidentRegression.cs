namespace Tracing.Domain.Incidents;

/// <summary>
/// The regression rule, pure: a fingerprint an analysis found for the first time in its session reopens the incident
/// when the incident is resolved. A session counts once, so re-analysing a session that already showed the failure
/// (more events, same failure) is not a regression.
/// </summary>
public static class IncidentRegression
{
    /// <summary>Fingerprints of <paramref name="found"/> that no earlier recorded analysis of the session had.</summary>
    public static IReadOnlyList<string> NewToSession(IEnumerable<string> found, IEnumerable<string> earlier)
    {
        var seen = new HashSet<string>(earlier, StringComparer.Ordinal);
        return found.Distinct(StringComparer.Ordinal).Where(seen.Add).ToList();
    }

    public static IncidentRegressed? Decide(string incidentId, string projectId, string? currentStatus, string sessionId,
        string actor, DateTimeOffset now) =>
        currentStatus == IncidentStatus.Resolved ? new IncidentRegressed(incidentId, projectId, sessionId, actor, now) : null;
}
