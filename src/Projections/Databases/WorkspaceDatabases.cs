using System.Collections.Concurrent;
using Npgsql;

namespace Tracing.Projections.Databases;

/// <summary>
/// Where each workspace's data lives (ADR 0031). With one database (the default) every workspace is in <see cref="MainName"/>
/// and nothing is looked up. With <c>Tracing:Databases</c>, a workspace is placed in one database the first time it is
/// created or touched, and the placement (a row in the main database) never changes: the Marten tenancy, the raw-SQL
/// readers and the live stream all ask this one place.
/// </summary>
public sealed class WorkspaceDatabases : IAsyncDisposable
{
    public const string MainName = "main";

    private readonly Dictionary<string, NpgsqlDataSource> _sources;
    private readonly ConcurrentDictionary<string, string> _placed = new(StringComparer.Ordinal);
    private readonly WorkspacePlacementTable? _table;
    private readonly string? _newWorkspaces;

    public WorkspaceDatabases(NpgsqlDataSource main, TracingStoreSettings settings)
    {
        _sources = new Dictionary<string, NpgsqlDataSource>(StringComparer.Ordinal) { [MainName] = main };
        foreach (var (name, cs) in settings.Databases)
        {
            if (name == MainName) throw new InvalidOperationException($"Tracing:Databases:{MainName} is the main database (TRACING_DB); name the others differently.");
            _sources[name] = new NpgsqlDataSourceBuilder(cs).Build();
        }
        if (settings.NewWorkspacesIn is { } n && !_sources.ContainsKey(n))
            throw new InvalidOperationException($"Tracing:Placement:NewWorkspaces names '{n}', which is not a configured database.");
        _newWorkspaces = settings.NewWorkspacesIn;
        if (IsMulti) _table = new WorkspacePlacementTable(main, settings.Schema);
    }

    /// <summary>True when more than one database is configured (otherwise every call answers the main database at once).</summary>
    public bool IsMulti => _sources.Count > 1;

    public IReadOnlyCollection<string> Names => _sources.Keys;

    public NpgsqlDataSource Main => _sources[MainName];

    public NpgsqlDataSource Source(string name) => _sources.TryGetValue(name, out var s)
        ? s : throw new InvalidOperationException($"No database named '{name}' is configured.");

    /// <summary>The data source of <paramref name="workspace"/>'s database (placing it if it was never placed).</summary>
    public NpgsqlDataSource For(string workspace) => _sources[NameFor(workspace)];

    /// <summary>
    /// The database <paramref name="workspace"/> lives in. Synchronous because Marten's <c>ITenancy.GetTenant</c> is; the
    /// lookup runs once per workspace and node (placements never change), as Marten's own master-table tenancy does.
    /// </summary>
    public string NameFor(string workspace) =>
        !IsMulti ? MainName
        : _placed.TryGetValue(workspace, out var name) ? name
        : PlaceAsync(workspace, null, CancellationToken.None).GetAwaiter().GetResult();

    public async Task<string> NameForAsync(string workspace, CancellationToken ct) =>
        !IsMulti ? MainName
        : _placed.TryGetValue(workspace, out var name) ? name
        : await PlaceAsync(workspace, null, ct);

    /// <summary>
    /// Places <paramref name="workspace"/> in <paramref name="database"/> (or the configured / least-used one) unless it is
    /// placed already; answers where it lives. The first placement wins, on every node (the table's primary key).
    /// </summary>
    public async Task<string> PlaceAsync(string workspace, string? database, CancellationToken ct)
    {
        if (!IsMulti) return MainName;
        if (database is not null && !_sources.ContainsKey(database))
            throw new ArgumentException($"No database named '{database}' is configured.", nameof(database));
        var placed = await _table!.PlaceAsync(workspace, database ?? _newWorkspaces, _sources.Keys.ToArray(), ct);
        _placed[workspace] = placed;
        return placed;
    }

    /// <summary>How many workspaces each database holds (for operators and the placement of new ones).</summary>
    public Task<Dictionary<string, long>> CountsAsync(CancellationToken ct) =>
        _table is null ? Task.FromResult(new Dictionary<string, long> { [MainName] = 0 }) : _table.CountsAsync(ct);

    /// <summary>The further databases' data sources are this object's; the main one belongs to the host.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var (name, source) in _sources)
            if (name != MainName) await source.DisposeAsync();
    }

    internal Task EnsureTableAsync(CancellationToken ct) => _table?.EnsureAsync(ct) ?? Task.CompletedTask;
}
