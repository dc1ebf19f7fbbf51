using System.Security.Cryptography;
using Marten;
using Tracing.Domain.Access;
using Tracing.Domain.Audit;

namespace Tracing.Api.Access;

/// <summary>Creates workspaces and projects and issues / revokes API keys. Used by the CLI and the admin endpoints. Each
/// project creation, issue and revocation is audited in its workspace, in the same transaction.</summary>
public sealed class KeyIssuer(IDocumentStore store, TimeProvider clock)
{
    public sealed record Issued(ApiKey Record, string Token);

    public const string CliActor = "cli";

    public async Task<Issued> CreateAsync(string workspaceId, string projectId, string name, string[] scopes, CancellationToken ct,
        string actor = CliActor)
    {
        var now = clock.GetUtcNow();
        // A tenant session: it writes the registry documents (single-tenanted) and the audit entry (the workspace's).
        await using var session = store.LightweightSession(workspaceId);
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
        session.Store(AuditEntries.New(now, projectId, AuditActions.KeyCreated, "key:" + id, actor, before: null,
            after: new { key_id = id, project_id = projectId, name, scopes }));
        await session.SaveChangesAsync(ct);
        return new Issued(key, token);
    }

    /// <summary>Creates the project (and its workspace) unless it exists; true when it was created.</summary>
    public async Task<(Project Project, bool Created)> CreateProjectAsync(string workspaceId, string projectId, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession(workspaceId);
        var existing = await session.LoadAsync<Project>(Project.DocumentId(workspaceId, projectId), ct);
        if (existing is not null) return (existing, false);
        if (await session.LoadAsync<Workspace>(workspaceId, ct) is null)
            session.Store(new Workspace { Id = workspaceId, CreatedAt = now });
        var project = new Project { Id = Project.DocumentId(workspaceId, projectId), WorkspaceId = workspaceId, ProjectId = projectId, CreatedAt = now };
        session.Insert(project);
        session.Store(AuditEntries.New(now, projectId, AuditActions.ProjectCreated, "project:" + projectId, actor, before: null,
            after: new { project_id = projectId }));
        try { await session.SaveChangesAsync(ct); }
        catch (Exception ex) when (Tracing.Projections.LostRace.Is(ex))
        {
            return (project, false); // a racing create of the same project won
        }
        return (project, true);
    }

    public Task<bool> RevokeAsync(string keyId, CancellationToken ct, string actor = CliActor) => RevokeAsync(keyId, null, actor, ct);

    /// <summary>Revokes a key; with <paramref name="workspaceId"/>, only a key of that workspace (false otherwise).</summary>
    public async Task<bool> RevokeAsync(string keyId, string? workspaceId, string actor, CancellationToken ct)
    {
        ApiKey? key;
        await using (var lookup = store.QuerySession())
            key = await lookup.LoadAsync<ApiKey>(keyId, ct);
        if (key is null || (workspaceId is not null && key.WorkspaceId != workspaceId)) return false;
        if (key.RevokedAt is not null) return true;
        var now = clock.GetUtcNow();
        key.RevokedAt = now;
        await using var session = store.LightweightSession(key.WorkspaceId);
        session.Store(key);
        session.Store(AuditEntries.New(now, key.ProjectId, AuditActions.KeyRevoked, "key:" + key.Id, actor,
            before: new { revoked_at = (DateTimeOffset?)null }, after: new { revoked_at = now }));
        await session.SaveChangesAsync(ct);
        return true;
    }
}
