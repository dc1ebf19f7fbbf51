using System.Security.Cryptography;
using Marten;
using Tracing.Domain.Access;

namespace Tracing.Api.Access;

/// <summary>Creates workspaces and projects on demand and issues / revokes API keys. Used by the CLI.</summary>
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

    public async Task<bool> RevokeAsync(string keyId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var key = await session.LoadAsync<ApiKey>(keyId, ct);
        if (key is null) return false;
        key.RevokedAt ??= clock.GetUtcNow();
        session.Store(key);
        await session.SaveChangesAsync(ct);
        return true;
    }
}
