using System.Text;
using System.Text.Json;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;

namespace Tracing.Api.Projects;

public sealed record AgentConfigView(string ProjectId, string Content, string Sha256, int Version, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public static AgentConfigView From(AgentConfig c) => new(c.Id, c.Content, c.Sha256, c.Version, c.UpdatedAt, c.UpdatedBy);
}

/// <summary>
/// PUT/GET /api/projects/{project_id}/agent-config: the configuration text fix proposals are diffed against.
/// PUT takes text/plain, or application/json <c>{"content": "..."}</c>; a change is audited (hashes, not content).
/// </summary>
public static class AgentConfigEndpoints
{
    public static async Task<IResult> Put(string project_id, HttpContext http, Caller caller, IDocumentStore store,
        ProjectDirectory projects, TimeProvider clock, CancellationToken ct)
    {
        // A console caller spans its workspace: it may configure any project that exists there.
        if (!caller.CanSeeProject(project_id) ||
            (caller.ProjectId is null && !(Domain.Access.Membership.IsValidName(project_id) &&
                                          await projects.ExistsAsync(caller.WorkspaceId, project_id, ct))))
            return NotVisible(project_id);
        var (content, problem) = await ReadContentAsync(http.Request, ct);
        if (problem is not null) return problem;

        await using var session = store.LightweightSession(caller.WorkspaceId);
        var existing = await session.LoadAsync<AgentConfig>(project_id, ct);
        var hash = AgentConfig.Hash(content!);
        if (existing?.Sha256 == hash) return TypedResults.Ok(AgentConfigView.From(existing));

        var now = clock.GetUtcNow();
        var config = new AgentConfig
        {
            Id = project_id, Content = content!, Sha256 = hash, Version = (existing?.Version ?? 0) + 1, UpdatedAt = now,
            UpdatedBy = caller.Actor,
        };
        session.Store(config);
        session.Store(AuditEntries.New(now, project_id, AuditActions.AgentConfigUpdated, "project:" + project_id, caller.Actor,
            existing is null ? null : Summary(existing), Summary(config), RequestIds.For(http)));
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(AgentConfigView.From(config));
    }

    public static async Task<IResult> Get(string project_id, Caller caller, IDocumentStore store, CancellationToken ct)
    {
        if (!caller.CanSeeProject(project_id)) return NotVisible(project_id);
        await using var session = store.QuerySession(caller.WorkspaceId);
        var config = await session.LoadAsync<AgentConfig>(project_id, ct);
        return config is null
            ? Problems.NotFound($"Project '{project_id}' has no agent configuration (or is not visible to this credential).")
            : TypedResults.Ok(AgentConfigView.From(config));
    }

    private static object Summary(AgentConfig c) => new { sha256 = c.Sha256, version = c.Version, length = c.Content.Length };

    private static IResult NotVisible(string project) => Problems.NotFound($"Project '{project}' is not visible to this credential.");

    private static async Task<(string? Content, IResult? Problem)> ReadContentAsync(HttpRequest request, CancellationToken ct)
    {
        var type = request.ContentType?.Split(';')[0].Trim();
        if (string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            var (doc, problem) = await JsonBody.ReadAsync(request, AgentConfig.MaxBytes * 2, ct);
            if (problem is not null) return (null, problem);
            using var _ = doc;
            var root = doc!.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, Problems.Validation("$", "the body must be a JSON object {\"content\": \"...\"}"));
            string? content = null;
            foreach (var p in root.EnumerateObject())
            {
                if (p.Name != "content") return (null, Problems.Validation(p.Name, $"unknown field '{p.Name}'; expected: content"));
                if (p.Value.ValueKind != JsonValueKind.String) return (null, Problems.Validation("content", "content must be a string"));
                content = p.Value.GetString();
            }
            return content is null ? (null, Problems.Validation("content", "content is required")) : Check(content);
        }
        if (!string.Equals(type, "text/plain", StringComparison.OrdinalIgnoreCase))
            return (null, Problems.UnsupportedMediaType("Content-Type must be text/plain or application/json."));
        if (request.ContentLength > AgentConfig.MaxBytes) return (null, TooLarge());
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > AgentConfig.MaxBytes) return (null, TooLarge());
        }
        try
        {
            return Check(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.BadRequest("The body is not valid UTF-8."));
        }
    }

    private static (string?, IResult?) Check(string content)
    {
        if (Encoding.UTF8.GetByteCount(content) > AgentConfig.MaxBytes) return (null, TooLarge());
        if (content.Contains('\0')) return (null, Problems.Validation("content", "content must not contain NUL characters"));
        return (content, null);
    }

    private static IResult TooLarge() => Problems.TooLarge($"The agent configuration exceeds {AgentConfig.MaxBytes} bytes.");
}
