namespace Tracing.Domain.Incidents;

/// <summary>
/// A session this incident counted was erased (<c>DELETE /api/traces/{id}</c> or retention): the incident forgets it,
/// its count and any sample or title text quoting it. Appended to the incident's own stream in the erasure's
/// transaction, so the change is in the log like every other, and carries ids only (never the erased text).
/// </summary>
public sealed record IncidentSessionErased(string IncidentId, string ProjectId, string SessionId, string Actor, DateTimeOffset At);
