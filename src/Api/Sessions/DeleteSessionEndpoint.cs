using Tracing.Api.Access;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Sessions;

/// <summary>
/// DELETE /api/traces/{id}: the erasure request. Admin console tokens of the workspace only, naming the project
/// (<c>X-Tracing-Project</c> or <c>?project_id=</c>); 204, or 404 when the session is not visible. Audited.
/// </summary>
public static class DeleteSessionEndpoint
{
    public static async Task<IResult> Handle(string id, HttpContext http, Caller caller, SessionEraser eraser, CancellationToken ct)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        var erased = await eraser.EraseAsync(caller.WorkspaceId, project, id, caller.Actor, RequestIds.For(http), ct);
        return erased is null ? Problems.SessionNotFound(id) : TypedResults.NoContent();
    }
}
