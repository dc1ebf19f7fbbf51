using System.Collections.Concurrent;

namespace Tracing.Workers.Projections;

/// <summary>Shards a rebuild has stopped on purpose while it switches tables: the supervisor leaves them alone.</summary>
public sealed class ShardControl
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    public void Hold(IEnumerable<string> shards) { foreach (var s in shards) _held[s] = 0; }
    public void Release(IEnumerable<string> shards) { foreach (var s in shards) _held.TryRemove(s, out _); }
    public bool IsHeld(string shard) => _held.ContainsKey(shard);
}
