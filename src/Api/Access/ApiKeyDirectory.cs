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
    private readonly ConcurrentDictionary<string, (ApiKey Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<ApiKey?> ResolveAsync(string token, CancellationToken ct)
    {
        if (!ApiKeyFormat.TryParse(token, out var id, out var secret)) return null;
        var now = clock.GetUtcNow();
        if (!_cache.TryGetValue(id, out var hit) || hit.Until < now)
        {
            await using var session = store.QuerySession();
            var key = await session.LoadAsync<ApiKey>(id, ct);
            if (key is null) { _cache.TryRemove(id, out _); return null; }
            hit = (key, now + CacheFor);
            _cache[id] = hit;
        }
        return hit.Key.RevokedAt is null && ApiKeyFormat.Matches(hit.Key, secret) ? hit.Key : null;
    }

    public void Forget(string id) => _cache.TryRemove(id, out _);
}
