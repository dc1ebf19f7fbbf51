using System.Text.Json;
using Tracing.Domain.Events;

namespace Tracing.Domain.Sessions;

/// <summary>
/// The one reader of a <c>session.ended</c> payload's status (docs/events.md): what the payload rules accept, what the
/// session's status becomes, and what the detectors compare against all come from here, so a renamed field or value
/// changes every reader at once.
/// </summary>
public static class SessionEnd
{
    public const string StatusField = "status";
    public const string ReasonField = "reason";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>([Ok, Error, Cancelled], StringComparer.Ordinal);

    /// <summary>The payload's status as sent (<c>null</c> when absent or not a string).</summary>
    public static string? StatusOf(JsonElement payload) => EventFacts.Str(payload, StatusField);

    /// <summary>The session's status after this end: <c>failed</c> for an error end, else <c>ended</c>.</summary>
    public static string SessionStatusAfter(JsonElement payload) => StatusOf(payload) == Error ? SessionStatus.Failed : SessionStatus.Ended;

    public static bool EndsWith(TraceEventRecorded e, string status) => e.Type == EventTypes.SessionEnded && StatusOf(e.Payload) == status;
}
