using System.Globalization;
using System.Text.Json;

namespace Tracing.Domain.Regression;

/// <summary>
/// POST /api/incidents/{id}/regression-runs: <c>{"after": {"session_ids": [...]}}</c> or <c>{"after": {"since": "ISO"}}</c>.
/// Parsed strictly: unknown members, both or neither selector, bad ids or times are problems naming the field.
/// </summary>
public sealed record RegressionRequest(IReadOnlyList<string>? SessionIds, DateTimeOffset? Since)
{
    public const int MaxSessions = 100;

    /// <summary>The body's members and those of <c>after</c>: the parser's rule and the OpenAPI schema's test.</summary>
    public static readonly IReadOnlyList<string> Fields = ["after"];
    public static readonly IReadOnlyList<string> AfterFields = ["session_ids", "since"];

    public static (RegressionRequest? Request, string? Field, string? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "$", "the body must be a JSON object");
        JsonElement? after = null;
        foreach (var p in body.EnumerateObject())
        {
            if (!Fields.Contains(p.Name)) return (null, p.Name, $"unknown field '{p.Name}'; expected: after");
            after = p.Value;
        }
        if (after is not { ValueKind: JsonValueKind.Object } a)
            return (null, "after", "after must be an object with session_ids or since");
        List<string>? ids = null;
        DateTimeOffset? since = null;
        foreach (var p in a.EnumerateObject())
        {
            switch (p.Name)
            {
                case "session_ids":
                    if (p.Value.ValueKind != JsonValueKind.Array) return (null, "after.session_ids", "session_ids must be an array of session ids");
                    ids = [];
                    foreach (var v in p.Value.EnumerateArray())
                    {
                        if (v.ValueKind != JsonValueKind.String || !Tracing.Domain.Sessions.SessionIds.IsValid(v.GetString()))
                            return (null, "after.session_ids", "every session id must be a string of 1-128 characters [A-Za-z0-9._:-]");
                        if (!ids.Contains(v.GetString()!)) ids.Add(v.GetString()!);
                    }
                    if (ids.Count is 0 or > MaxSessions)
                        return (null, "after.session_ids", $"session_ids must list 1 to {MaxSessions} sessions");
                    break;
                case "since":
                    if (p.Value.ValueKind != JsonValueKind.String ||
                        !DateTimeOffset.TryParse(p.Value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                        return (null, "after.since", "since must be an ISO 8601 timestamp");
                    since = t.ToUniversalTime();
                    break;
                default:
                    return (null, "after." + p.Name, $"unknown field '{p.Name}'; expected: session_ids or since");
            }
        }
        if ((ids is null) == (since is null)) return (null, "after", "after needs exactly one of session_ids or since");
        return (new RegressionRequest(ids, since), null, null);
    }
}
