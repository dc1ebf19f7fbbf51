namespace Tracing.Api.Access;

/// <summary>
/// Whether the credential behind a long-lived connection or a stream ticket is still good: not past its expiry (a
/// console token's exp) and, for an API key, not revoked. Checked every <see cref="Every"/> from a key record at most
/// that old, so a revocation reaches open streams and resume credentials within 2 × <see cref="Every"/> = 10 s, the same
/// bound as <see cref="ApiKeyDirectory.CacheFor"/> for requests.
/// </summary>
public sealed class CredentialCheck(ApiKeyDirectory keys, TimeProvider clock)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    public async Task<bool> IsValidAsync(string? keyId, DateTimeOffset? expiresAt, CancellationToken ct) =>
        (expiresAt is null || expiresAt > clock.GetUtcNow())
        && (keyId is null || await keys.IsActiveAsync(keyId, Every, ct));

    public Task<bool> IsValidAsync(Caller caller, CancellationToken ct) => IsValidAsync(caller.KeyId, caller.CredentialExpiresAt, ct);
}
