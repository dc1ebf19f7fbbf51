using System.Collections.Concurrent;
using Marten;
using Tracing.Domain.Access;

namespace Tracing.Api.Access;

/// <summary>
/// Resolves API keys to their record. Verified keys are cached for a short time so the hot ingest path
/// does not hit the database per request; a revocation takes effect within <see cref="CacheFor"/>.
/// </summary>
public sealed class ApiKeyDirectory(IDocumentStore store, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (ApiKey Key, DateTimeOffset LoadedAt)> _cache = new(StringComparer.Ordinal);

    public async Task<ApiKey?> ResolveAsync(string token, CancellationToken ct)
    {
        if (!ApiKeyFormat.TryParse(token, out var id, out var secret)) return null;
        var key = await LoadAsync(id, CacheFor, ct);
        return key is { RevokedAt: null } && ApiKeyFormat.Matches(key, secret) ? key : null;
    }

    /// <summary>
    /// Whether key <paramref name="id"/> still exists unrevoked, from a record at most <paramref name="maxAge"/> old:
    /// open streams and stream tickets recheck the key that issued them (many streams of one key share one load).
    /// </summary>
    public async Task<bool> IsActiveAsync(string id, TimeSpan maxAge, CancellationToken ct) =>
        await LoadAsync(id, maxAge, ct) is { RevokedAt: null };

    private async Task<ApiKey?> LoadAsync(string id, TimeSpan maxAge, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(id, out var hit) && now - hit.LoadedAt < maxAge) return hit.Key;
        await using var session = store.QuerySession();
        var key = await session.LoadAsync<ApiKey>(id, ct);
        if (key is null) { _cache.TryRemove(id, out _); return null; }
        _cache[id] = (key, now);
        return key;
    }

    public void Forget(string id) => _cache.TryRemove(id, out _);
}
