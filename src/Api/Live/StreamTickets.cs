using Tracing.Projections;
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

public sealed class StreamTickets(IDocumentStore store, CredentialCheck credentials, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ResumeLifetime = TimeSpan.FromHours(1);
    public const string Prefix = "stk_";
    public const string ResumePrefix = "srs_";
    public const string ResumeCookie = "tracing_stream";
    public const string RedeemedClaim = "tracing:ticket";

    public Task<TicketView> IssueAsync(Caller caller, CancellationToken ct) => IssueAsync(caller, Prefix, Lifetime, ct);

    /// <summary>
    /// EventSource reconnects to the same URL, whose ticket is spent: the first redemption also sets an HttpOnly
    /// cookie scoped to the stream route, holding a reusable resume credential of the same scope.
    /// </summary>
    public async Task SetResumeCookieAsync(HttpContext http, Caller caller, CancellationToken ct)
    {
        var resume = await IssueAsync(caller, ResumePrefix, ResumeLifetime, ct);
        http.Response.Cookies.Append(ResumeCookie, resume.Ticket, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/api/stream", Secure = http.Request.IsHttps,
            Expires = resume.ExpiresAt,
        });
    }

    /// <summary>A resume credential is reusable until it expires, and only while the key that issued it is unrevoked.</summary>
    public async Task<StreamTicket?> ResumeAsync(string value, CancellationToken ct)
    {
        if (!value.StartsWith(ResumePrefix, StringComparison.Ordinal) || value.Length > 100) return null;
        await using var session = store.QuerySession();
        var found = await session.LoadAsync<StreamTicket>(ApiKeyFormat.Hash(value), ct);
        return found is not null && found.ExpiresAt > clock.GetUtcNow() && await IssuerValidAsync(found, ct) ? found : null;
    }

    private Task<bool> IssuerValidAsync(StreamTicket t, CancellationToken ct) => credentials.IsValidAsync(t.KeyId, t.CredentialExpiresAt, ct);

    private async Task<TicketView> IssueAsync(Caller caller, string prefix, TimeSpan lifetime, CancellationToken ct)
    {
        var ticket = prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var expires = clock.GetUtcNow() + lifetime;
        // Never outlive the credential it stands in for (a console token expiring in 5 minutes gives a 5-minute cookie).
        if (caller.CredentialExpiresAt is { } until && until < expires) expires = until;
        await using var session = store.LightweightSession();
        session.Store(new StreamTicket
        {
            Id = ApiKeyFormat.Hash(ticket), WorkspaceId = caller.WorkspaceId, ProjectId = caller.ProjectId,
            Actor = caller.Actor, Scopes = caller.Scopes.ToArray(), ExpiresAt = expires,
            KeyId = caller.KeyId, CredentialExpiresAt = caller.CredentialExpiresAt,
        });
        await session.SaveChangesAsync(ct);
        return new TicketView(ticket, expires);
    }

    /// <summary>Redeems a ticket once. Optimistic concurrency makes a racing second use fail.</summary>
    public async Task<StreamTicket?> RedeemAsync(string ticket, CancellationToken ct)
    {
        if (!ticket.StartsWith(Prefix, StringComparison.Ordinal) || ticket.Length > 100) return null;
        // Spent either way; refused when the key that issued it was revoked or the token it stands in for expired.
        var found = await SingleUseRedemption.RedeemAsync<StreamTicket>(store, ApiKeyFormat.Hash(ticket), clock.GetUtcNow(), ct);
        return found is not null && await IssuerValidAsync(found, ct) ? found : null;
    }
}
