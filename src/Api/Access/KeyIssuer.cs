using System.Security.Cryptography;
using Marten;
using Tracing.Domain.Access;

namespace Tracing.Api.Access;

/// <summary>Creates workspaces and projects and issues / revokes API keys. Used by the CLI and the admin endpoints.</summary>
public sealed class KeyIssuer(IDocumentStore store, TimeProvider clock)
{
    public sealed record Issued(ApiKey Record, string Token);

    public async Task<Issued> CreateAsync(string workspaceId, string projectId, string name, string[] scopes, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<Workspace>(workspaceId, ct) is null)
            session.Store(new Workspace { Id = workspaceId, CreatedAt = now });
        var projectDoc = Project.DocumentId(workspaceId, projectId);
        if (await session.LoadAsync<Project>(projectDoc, ct) is null)
            session.Store(new Project { Id = projectDoc, WorkspaceId = workspaceId, ProjectId = projectId, CreatedAt = now });

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = RandomNumberGenerator.GetBytes(32);
        var token = ApiKeyFormat.Compose(id, secret);
        ApiKeyFormat.TryParse(token, out _, out var secretText);
        var key = new ApiKey
        {
            Id = id, WorkspaceId = workspaceId, ProjectId = projectId, Name = name, Scopes = scopes,
            SecretHash = ApiKeyFormat.Hash(secretText), CreatedAt = now,
        };
        session.Store(key);
        await session.SaveChangesAsync(ct);
        return new Issued(key, token);
    }

    /// <summary>Creates the project (and its workspace) unless it exists; true when it was created.</summary>
    public async Task<(Project Project, bool Created)> CreateProjectAsync(string workspaceId, string projectId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        var existing = await session.LoadAsync<Project>(Project.DocumentId(workspaceId, projectId), ct);
        if (existing is not null) return (existing, false);
        if (await session.LoadAsync<Workspace>(workspaceId, ct) is null)
            session.Store(new Workspace { Id = workspaceId, CreatedAt = now });
        var project = new Project { Id = Project.DocumentId(workspaceId, projectId), WorkspaceId = workspaceId, ProjectId = projectId, CreatedAt = now };
        session.Insert(project);
        try { await session.SaveChangesAsync(ct); }
        catch (Exception ex) when (Tracing.Projections.LostRace.Is(ex))
        {
            return (project, false); // a racing create of the same project won
        }
        return (project, true);
    }

    public Task<bool> RevokeAsync(string keyId, CancellationToken ct) => RevokeAsync(keyId, null, ct);

    /// <summary>Revokes a key; with <paramref name="workspaceId"/>, only a key of that workspace (false otherwise).</summary>
    public async Task<bool> RevokeAsync(string keyId, string? workspaceId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var key = await session.LoadAsync<ApiKey>(keyId, ct);
        if (key is null || (workspaceId is not null && key.WorkspaceId != workspaceId)) return false;
        key.RevokedAt ??= clock.GetUtcNow();
        session.Store(key);
        await session.SaveChangesAsync(ct);
        return true;
    }
}
