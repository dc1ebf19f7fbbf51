namespace Tracing.Domain.Sessions;

public static class SessionStatus
{
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Failed = "failed";
    // What a session.ended payload makes of the status: SessionEnd.SessionStatusAfter.
}
