using Tracing.Api.Infrastructure;
using Tracing.Domain.Sessions;

namespace Tracing.Api.Access;

/// <summary>
/// Sessions live in projects (ADR 0001). A project key always has one; a console (JWT) caller spans its workspace and
/// must name the project with <c>?project_id=</c> or <c>X-Tracing-Project</c> before it can address a session.
/// </summary>
public static class SessionScope
{
    public const string ProjectQuery = "project_id";

    /// <summary>
    /// A problem when <paramref name="caller"/> cannot address session <paramref name="id"/>; null when it can, with the
    /// session's <paramref name="project"/>.
    /// </summary>
    public static IResult? Check(Caller caller, string id, out string project)
    {
        project = caller.ProjectId ?? "";
        return caller.ProjectId is null ? ProjectRequired()
            : !SessionIds.IsValid(id) ? Problems.SessionNotFound(id)
            : null;
    }

    public static IResult ProjectRequired() =>
        Problems.Validation(ProjectQuery, "This credential spans a workspace: name the session's project with ?project_id= " +
                                          "or the X-Tracing-Project header.");
}
