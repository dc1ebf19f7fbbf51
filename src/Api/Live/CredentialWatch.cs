using Tracing.Api.Access;

namespace Tracing.Api.Live;

/// <summary>
/// One open stream's view of its credential: the connection ends at the configured maximum lifetime or when the
/// credential expires, whichever is first, and when a periodic recheck finds the key revoked.
/// </summary>
public sealed class CredentialWatch(Caller caller, CredentialCheck check, TimeProvider clock, StreamOptions options)
{
    public const string EndedComment = "credential revoked or expired";
    private readonly TimeSpan _every = TimeSpan.FromSeconds(Math.Max(1, options.CredentialCheckSeconds));
    private readonly DateTimeOffset _opened = clock.GetUtcNow();

    /// <summary>The injected clock's now, for the connection loop that this watch bounds.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    public DateTimeOffset NextCheck { get; private set; } = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(1, options.CredentialCheckSeconds));

    public DateTimeOffset EndAt
    {
        get
        {
            var end = options.MaxConnectionSeconds > 0 ? _opened.AddSeconds(options.MaxConnectionSeconds) : DateTimeOffset.MaxValue;
            return caller.CredentialExpiresAt is { } exp && exp < end ? exp : end;
        }
    }

    /// <summary>Rechecks when due (else answers true at once): expiry against the clock, the key against a record at most one period old.</summary>
    public async ValueTask<bool> StillValidAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now < NextCheck) return true;
        NextCheck = now + _every;
        return (caller.CredentialExpiresAt is null || caller.CredentialExpiresAt > now)
               && (caller.KeyId is null || await check.IsValidAsync(caller.KeyId, null, ct));
    }
}
