using Tracing.Api.Infrastructure;
using Tracing.Domain.Access;

namespace Tracing.Api.Access;

/// <summary>
/// Fleet-wide reads (search, stats, export) take an optional project filter: it may only narrow. Naming a project the
/// credential does not hold is 403 (HELPERS walls rule), never a broader view; a project key always reads its own project.
/// </summary>
public static class ProjectWall
{
    public static IResult? Check(Caller caller, string? projectId) =>
        projectId is null ? null
        : !Membership.IsValidName(projectId) ? Problems.Validation("project_id", "project_id must be 1-64 characters of A-Za-z0-9._-")
        : !caller.CanSeeProject(projectId) ? Problems.Forbidden($"This credential cannot read project '{projectId}'.")
        : null;
}
