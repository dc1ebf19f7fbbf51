using JasperFx.Events.Projections;
using Marten;

namespace Tracing.Projections.Rebuilds;

/// <summary>An async projection as registered with Marten: its shards and the tables it writes (documents and <see cref="OwnedTables"/>).</summary>
public sealed record AsyncProjection(string Name, IReadOnlyList<string> Shards, IReadOnlyList<Type> DocumentTypes, IReadOnlyList<string> Tables);

/// <summary>
/// The async projections of the store, read from Marten's own registrations, never from a list of names: a projection
/// another feature registers is rebuilt and supervised without anyone remembering to add it here.
/// </summary>
public sealed class AsyncProjectionCatalog(IDocumentStore store)
{
    private IReadOnlyList<AsyncProjection>? _all;

    public IReadOnlyList<AsyncProjection> All => _all ??= Read(((DocumentStore)store).Options);

    public AsyncProjection? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public static IReadOnlyList<AsyncProjection> Read(StoreOptions options) =>
        options.Projections.All
            .Where(p => p.Lifecycle == ProjectionLifecycle.Async)
            .Select(p =>
            {
                var owned = OwnedTables.For(p.Name);
                var types = p.PublishedTypes().Concat(owned?.DocumentTypes ?? []).Distinct().ToList();
                return new AsyncProjection(p.Name, p.ShardNames().Select(s => s.Identity).ToList(), types,
                    types.Select(t => ReadModelTable.Of(options, t))
                        .Concat(owned?.Tables ?? []).Distinct().ToList());
            })
            .ToList();
}
