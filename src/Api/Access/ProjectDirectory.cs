using System.Collections.Concurrent;
using Marten;
using Tracing.Domain.Access;

namespace Tracing.Api.Access;

/// <summary>
/// Whether a project exists in a workspace, for console callers that narrow to one. Projects are never deleted, so
/// a found project is remembered; an unknown one is asked again next time.
/// </summary>
public sealed class ProjectDirectory(IDocumentStore store)
{
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    public async Task<bool> ExistsAsync(string workspaceId, string projectId, CancellationToken ct)
    {
        var id = Project.DocumentId(workspaceId, projectId);
        if (_known.ContainsKey(id)) return true;
        await using var session = store.QuerySession();
        if (await session.LoadAsync<Project>(id, ct) is null) return false;
        if (_known.Count >= MaxRemembered) _known.Clear();
        _known.TryAdd(id, 0);
        return true;
    }
}
