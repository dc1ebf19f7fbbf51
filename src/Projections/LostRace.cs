using JasperFx;
using Marten.Exceptions;
using Npgsql;

namespace Tracing.Projections;

/// <summary>Recognises a write that lost an optimistic race (stream version, stream id, document id or unique index):
/// the caller re-reads and decides again rather than failing the request.</summary>
public static class LostRace
{
    public static bool Is(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is ConcurrencyException or ConcurrentUpdateException or DocumentAlreadyExistsException
                or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
                or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } or Events.StreamLockMissedException) return true;
        }
        return false;
    }
}
