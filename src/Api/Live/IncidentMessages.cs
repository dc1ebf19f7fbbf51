using System.Text.Json;
using Tracing.Domain.Incidents;
using Tracing.Projections.Events;
using Tracing.Projections.Incidents;

namespace Tracing.Api.Live;

/// <summary>
/// <c>incident.updated</c> messages: one per event of an incident's own stream (triage, fix agent), and one per
/// fingerprint of a recorded analysis (<c>change: occurred</c>). Incident streams are keyed "{project}/~incident/{id}",
/// so project filters apply; they carry no session id, so session filters never match them.
/// </summary>
public static class IncidentMessages
{
    public const string IncidentUpdated = "incident.updated";

    // Field names come from the event records (snake_case, as the store writes them): a renamed event field renames
    // the message field with it instead of silently sending nulls (IncidentMessageFieldsTests pins the names).
    private static readonly Dictionary<string, (string Change, string[] Fields)> Changes = new(StringComparer.Ordinal)
    {
        [IncidentStoreSetup.StatusChangedAlias] = ("status", Fields(nameof(IncidentStatusChanged.Status),
            nameof(IncidentStatusChanged.PreviousStatus), nameof(IncidentStatusChanged.Actor), nameof(IncidentStatusChanged.At))),
        [IncidentStoreSetup.OwnerChangedAlias] = ("owner", Fields(nameof(IncidentOwnerChanged.Owner),
            nameof(IncidentOwnerChanged.PreviousOwner), nameof(IncidentOwnerChanged.Actor), nameof(IncidentOwnerChanged.At))),
        [IncidentStoreSetup.FixDispatchedAlias] = ("fix_agent_dispatched", Fields(nameof(FixAgentDispatched.DispatchId),
            nameof(FixAgentDispatched.Actor), nameof(FixAgentDispatched.At))),
        [IncidentStoreSetup.FixProposedAlias] = ("fix_proposed", Fields(nameof(FixProposed.DispatchId), nameof(FixProposed.Mode),
            nameof(FixProposed.Reason), nameof(FixProposed.At))),
        [IncidentStoreSetup.RegressedAlias] = ("regressed", Fields(nameof(IncidentRegressed.SessionId), nameof(IncidentRegressed.Actor),
            nameof(IncidentRegressed.At))),
    };

    /// <summary>The stored (and sent) name of each event field.</summary>
    public static string[] Fields(params string[] properties) => [.. properties.Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)];

    /// <summary>The change names and fields each incident event type produces (for tests and docs).</summary>
    public static IReadOnlyDictionary<string, (string Change, string[] Fields)> ByEventType => Changes;

    public static bool IsIncidentEvent(string eventType) => Changes.ContainsKey(eventType);

    public static IEnumerable<StreamMessage> FromIncidentStream(FeedRow row, string project, string sessionPart)
    {
        if (IncidentIds.FromSessionPart(sessionPart) is not { } incidentId || !Changes.TryGetValue(row.EventType, out var change))
            yield break;
        using var doc = JsonDocument.Parse(row.Json);
        var data = new Dictionary<string, object?> { ["incident_id"] = incidentId, ["project_id"] = project, ["change"] = change.Change };
        foreach (var field in change.Fields)
            data[field] = doc.RootElement.TryGetProperty(field, out var v) ? v.Clone() : null;
        yield return new StreamMessage(row.Position, row.Tenant, project, "", 0, IncidentUpdated, null, JsonSerializer.Serialize(data));
    }

    /// <summary>The incidents an analysis fed, after its analysis.completed message (ordinals 3, 4, ...).</summary>
    public static IEnumerable<StreamMessage> FromAnalysis(FeedRow row, string project, string session, long lastSeq, JsonElement analysis)
    {
        if (!analysis.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array) yield break;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ordinal = 3;
        foreach (var f in findings.EnumerateArray())
        {
            if (!f.TryGetProperty("fingerprint", out var fp) || fp.GetString() is not { } fingerprint || !seen.Add(fingerprint)) continue;
            var detector = f.TryGetProperty("detector", out var d) ? d.GetString() : null;
            yield return new StreamMessage(row.Position, row.Tenant, project, session, lastSeq, IncidentUpdated, null,
                JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["incident_id"] = IncidentIds.For(project, fingerprint), ["project_id"] = project, ["change"] = "occurred",
                    ["session_id"] = session, ["fingerprint"] = fingerprint, ["detector"] = detector,
                }), Ordinal: ordinal++);
        }
    }
}
