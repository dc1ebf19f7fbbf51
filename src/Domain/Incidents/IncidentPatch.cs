using System.Text.Json;

namespace Tracing.Domain.Incidents;

/// <summary>
/// A JSON merge patch (RFC 7396) of an incident's triage fields. A member absent leaves the field alone; <c>owner:
/// null</c> unassigns. Only <c>status</c> and <c>owner</c> may be patched.
/// </summary>
public sealed record IncidentPatch(bool SetsStatus, string? Status, bool SetsOwner, string? Owner)
{
    public const int MaxOwnerLength = 200;
    public const string StatusField = "status";
    public const string OwnerField = "owner";

    /// <summary>The members a patch may hold: the parser's rule and the OpenAPI schema's test (OpenApiRequestSchemas).</summary>
    public static readonly IReadOnlyList<string> Fields = [StatusField, OwnerField];

    public sealed record Problem(string Field, string Message);

    public static (IncidentPatch? Patch, Problem? Problem) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return (null, new Problem("$", "the body must be a JSON object (merge patch)"));
        bool setsStatus = false, setsOwner = false;
        string? status = null, owner = null;
        foreach (var p in body.EnumerateObject())
        {
            switch (p.Name)
            {
                case StatusField:
                    if (p.Value.ValueKind != JsonValueKind.String || !IncidentStatus.IsValid(p.Value.GetString()))
                        return (null, new Problem("status", "status must be one of: " + string.Join(", ", IncidentStatus.All)));
                    (setsStatus, status) = (true, p.Value.GetString());
                    break;
                case OwnerField:
                    if (p.Value.ValueKind == JsonValueKind.Null) { (setsOwner, owner) = (true, null); break; }
                    if (p.Value.ValueKind != JsonValueKind.String) return (null, new Problem("owner", "owner must be a string or null"));
                    if (OwnerProblem(p.Value.GetString()!) is { } why) return (null, new Problem("owner", why));
                    (setsOwner, owner) = (true, p.Value.GetString()!.Trim());
                    break;
                default:
                    return (null, new Problem(p.Name, $"'{p.Name}' cannot be patched; allowed fields: {string.Join(", ", Fields)}"));
            }
        }
        return (new IncidentPatch(setsStatus, status, setsOwner, owner), null);
    }

    private static string? OwnerProblem(string owner)
    {
        var trimmed = owner.Trim();
        if (trimmed.Length == 0) return "owner must not be empty; use null to unassign";
        if (trimmed.Length > MaxOwnerLength) return $"owner must be at most {MaxOwnerLength} characters";
        if (trimmed.Any(char.IsControl)) return "owner must not contain control characters";
        return null;
    }
}

/// <summary>The triage decision, pure: current state and a patch in, the events that record the change out.</summary>
public static class IncidentTriageDecision
{
    public static IReadOnlyList<object> Decide(string incidentId, string projectId, string currentStatus, string? currentOwner,
        IncidentPatch patch, string actor, DateTimeOffset now)
    {
        var events = new List<object>();
        if (patch.SetsStatus && patch.Status != currentStatus)
            events.Add(new IncidentStatusChanged(incidentId, projectId, patch.Status!, currentStatus, actor, now));
        if (patch.SetsOwner && !string.Equals(patch.Owner, currentOwner, StringComparison.Ordinal))
            events.Add(new IncidentOwnerChanged(incidentId, projectId, patch.Owner, currentOwner, actor, now));
        return events;
    }
}
