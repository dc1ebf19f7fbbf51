namespace Tracing.Domain.Sessions;

public static class SessionStatus
{
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Failed = "failed";

    /// <summary>Maps a <c>session.ended</c> payload status to the session's status.</summary>
    public static string FromEndedStatus(string? endedStatus) =>
        endedStatus == "error" ? Failed : Ended;
}
