using Npgsql;

namespace Tracing.Projections;

/// <summary>Recognises a write that lost an optimistic race (stream version, stream id or unique index):
/// the caller re-reads and decides again rather than failing the request.</summary>
public static class LostRace
{
    public static bool Is(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }) return true;
            var name = e.GetType().Name;
            if (name.Contains("Concurrency", StringComparison.Ordinal) ||
                name.Contains("UnexpectedMaxEventId", StringComparison.Ordinal) ||
                name.Contains("ExistingStreamIdCollision", StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
