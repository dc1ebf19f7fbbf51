using System.Security.Cryptography;
using Marten;
using Tracing.Api.Access;
using Tracing.Domain.Access;

namespace Tracing.Api.Live;

/// <summary>
/// Browsers' EventSource cannot send Authorization: a short-lived, single-use ticket stands in for the key on
/// GET /api/stream?ticket=. Stored as a hash in PostgreSQL, so any node can redeem it exactly once.
/// </summary>
public sealed record TicketView(string Ticket, DateTimeOffset ExpiresAt);

public sealed class StreamTickets(IDocumentStore store, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    public const string Prefix = "stk_";

    public async Task<TicketView> IssueAsync(Caller caller, CancellationToken ct)
    {
        var ticket = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var expires = clock.GetUtcNow() + Lifetime;
        await using var session = store.LightweightSession();
        session.Store(new StreamTicket
        {
            Id = ApiKeyFormat.Hash(ticket), WorkspaceId = caller.WorkspaceId, ProjectId = caller.ProjectId,
            Actor = caller.Actor, Scopes = caller.Scopes.ToArray(), ExpiresAt = expires,
        });
        await session.SaveChangesAsync(ct);
        return new TicketView(ticket, expires);
    }

    /// <summary>Redeems a ticket once. Optimistic concurrency makes a racing second use fail.</summary>
    public async Task<StreamTicket?> RedeemAsync(string ticket, CancellationToken ct)
    {
        if (!ticket.StartsWith(Prefix, StringComparison.Ordinal) || ticket.Length > 100) return null;
        await using var session = store.LightweightSession();
        var found = await session.LoadAsync<StreamTicket>(ApiKeyFormat.Hash(ticket), ct);
        var now = clock.GetUtcNow();
        if (found is null || found.UsedAt is not null || found.ExpiresAt <= now) return null;
        found.UsedAt = now;
        session.Store(found);
        try { await session.SaveChangesAsync(ct); }
        catch (Exception ex) when (Infrastructure.LostRace.Is(ex)) { return null; }
        return found;
    }
}
