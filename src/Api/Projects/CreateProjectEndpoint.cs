using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Access;

namespace Tracing.Api.Projects;

/// <summary>POST /api/projects: an admin creates a project in its workspace (201; an existing one is 200).</summary>
public static class CreateProjectEndpoint
{
    public const long MaxBodyBytes = 16 * 1024;

    public static async Task<IResult> Handle(HttpRequest request, Caller caller, KeyIssuer issuer, CancellationToken ct)
    {
        var (doc, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, ct);
        if (problem is not null) return problem;
        using var _ = doc;
        var (command, field, error) = NewProject.Parse(doc!.RootElement);
        if (command is null) return Problems.Validation(field!, error!);
        if (!caller.CanSeeProject(command.Id))
            return Problems.Validation("id", "This request is narrowed to another project (project_id / X-Tracing-Project).");

        var (project, created) = await issuer.CreateProjectAsync(caller.WorkspaceId, command.Id, caller.Actor, ct);
        var view = new ProjectView(project.ProjectId, project.WorkspaceId, project.CreatedAt);
        return created ? TypedResults.Created($"/api/projects/{project.ProjectId}", view) : TypedResults.Ok(view);
    }
}
