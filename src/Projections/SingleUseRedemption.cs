using Marten;
using Tracing.Domain.Access;

namespace Tracing.Projections;

/// <summary>
/// Redeems a single-use credential (stream tickets, console sign-in links): found, unused and unexpired, then marked used
/// in the same document version, so optimistic concurrency makes a racing second use fail on any node.
/// </summary>
public static class SingleUseRedemption
{
    public static async Task<T?> RedeemAsync<T>(IDocumentStore store, string id, DateTimeOffset now, CancellationToken ct)
        where T : class, ISingleUse
    {
        await using var session = store.LightweightSession();
        var found = await session.LoadAsync<T>(id, ct);
        if (found is null || found.UsedAt is not null || found.ExpiresAt <= now) return null;
        found.UsedAt = now;
        session.Store(found);
        try { await session.SaveChangesAsync(ct); }
        catch (Exception ex) when (LostRace.Is(ex)) { return null; }
        return found;
    }
}
