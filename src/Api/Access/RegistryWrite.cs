using Marten;
using Tracing.Projections.Databases;

namespace Tracing.Api.Access;

/// <summary>
/// A registry change with its audit entry. Registry documents (workspaces, projects, API keys) live in the main database,
/// where a key is resolved before its workspace is known; the audit log lives with the workspace (ADR 0031). When the
/// workspace is in the main database (always, with one database) both are one session and one transaction; otherwise the
/// registry commits first and the audit entry right after it.
/// </summary>
internal sealed class RegistryWrite : IAsyncDisposable
{
    private RegistryWrite(IDocumentSession registry, IDocumentSession workspace) => (Registry, Workspace) = (registry, workspace);

    public IDocumentSession Registry { get; }
    public IDocumentSession Workspace { get; }

    public static async Task<RegistryWrite> OpenAsync(IDocumentStore store, WorkspaceDatabases databases, string workspaceId, CancellationToken ct)
    {
        var workspace = store.LightweightSession(workspaceId);
        var inMain = await databases.NameForAsync(workspaceId, ct) == WorkspaceDatabases.MainName;
        return new RegistryWrite(inMain ? workspace : store.LightweightSession(), workspace);
    }

    public async Task SaveChangesAsync(CancellationToken ct)
    {
        if (!ReferenceEquals(Registry, Workspace)) await Registry.SaveChangesAsync(ct);
        await Workspace.SaveChangesAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (!ReferenceEquals(Registry, Workspace)) await Registry.DisposeAsync();
        await Workspace.DisposeAsync();
    }
}
