using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Access;

namespace Tracing.Api.Projects;

/// <summary>
/// GET /api/projects: the projects the caller can see (its workspace's, or its own project for a key), by id; and
/// GET /api/projects/{id}/keys for admins: the project's keys without their secrets (only hashes are stored anyway).
/// </summary>
public static class ListProjectsEndpoint
{
    public static async Task<IResult> Handle(Caller caller, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var projects = await session.Query<Project>().Where(p => p.WorkspaceId == caller.WorkspaceId)
            .OrderBy(p => p.ProjectId).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(new ProjectList(projects.Where(p => caller.CanSeeProject(p.ProjectId))
            .Select(p => new ProjectView(p.ProjectId, p.WorkspaceId, p.CreatedAt)).ToList()));
    }

    public static async Task<IResult> Keys(string id, Caller caller, IDocumentStore store, ProjectDirectory projects, CancellationToken ct)
    {
        if (!caller.CanSeeProject(id) || !Membership.IsValidName(id) || !await projects.ExistsAsync(caller.WorkspaceId, id, ct))
            return Problems.NotFound($"Project '{id}' is not visible to this credential.");
        await using var session = store.QuerySession();
        var keys = await session.Query<ApiKey>().Where(k => k.WorkspaceId == caller.WorkspaceId && k.ProjectId == id)
            .OrderByDescending(k => k.CreatedAt).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(new KeyList(keys.Select(k => new KeyView(k.Id, k.Name, k.ProjectId, k.Scopes, k.CreatedAt, k.RevokedAt)).ToList()));
    }
}

public sealed record ProjectList(IReadOnlyList<ProjectView> Data);

/// <summary>A key as listed: never its secret.</summary>
public sealed record KeyView(string Id, string Name, string ProjectId, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record KeyList(IReadOnlyList<KeyView> Data);
