using System.Text.Json;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Access;

namespace Tracing.Api.Projects;

/// <summary>POST /api/projects/{id}/keys: an admin issues an API key for a project of its workspace, shown once.</summary>
public static class CreateKeyEndpoint
{
    public static async Task<IResult> Handle(string id, HttpRequest request, HttpResponse response, Caller caller,
        KeyIssuer issuer, ProjectDirectory projects, CancellationToken ct)
    {
        if (!Membership.IsValidName(id) || !caller.CanSeeProject(id) || !await projects.ExistsAsync(caller.WorkspaceId, id, ct))
            return Problems.NotFound($"Project '{(id.Length <= 64 ? id : id[..64] + "...")}' is not visible to this credential.");

        JsonDocument? doc = null;
        if (!string.IsNullOrEmpty(request.ContentType) || request.ContentLength > 0)
        {
            var (read, problem) = await JsonBody.ReadAsync(request, CreateProjectEndpoint.MaxBodyBytes, ct);
            if (problem is not null) return problem;
            doc = read;
        }
        using var _ = doc;
        var (command, field, error) = NewKey.Parse(doc?.RootElement);
        if (command is null) return Problems.Validation(field!, error!);

        var issued = await issuer.CreateAsync(caller.WorkspaceId, id, command.Name, command.Scopes, ct, caller.Actor);
        response.Headers.CacheControl = "no-store";
        var k = issued.Record;
        return TypedResults.Created($"/api/keys/{k.Id}",
            new IssuedKeyView(k.Id, issued.Token, k.Name, k.WorkspaceId, k.ProjectId, k.Scopes, k.CreatedAt));
    }
}
