using System.Globalization;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Sessions;

/// <summary>
/// DELETE /api/traces/{id}: the erasure request. Admin console tokens of the workspace only, naming the project
/// (<c>X-Tracing-Project</c> or <c>?project_id=</c>); 204, or 404 when the session is not visible, or 503 with
/// <c>Retry-After</c> when the projection daemon did not reach the session's last event within the wait (nothing was
/// erased: asking again finishes it). Audited.
/// </summary>
public static class DeleteSessionEndpoint
{
    public const int RetryAfterSeconds = 5;

    public static async Task<IResult> Handle(string id, HttpContext http, Caller caller, SessionEraser eraser, CancellationToken ct)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        var result = await eraser.EraseAsync(caller.WorkspaceId, project, id, caller.Actor, RequestIds.For(http), ct);
        switch (result.Status)
        {
            case ErasureStatus.NotFound:
                return Problems.SessionNotFound(id);
            case ErasureStatus.Behind:
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Problem(503, "projections-behind", "Read models are behind",
                    $"The read models have not yet folded session '{id}'; nothing was erased. Retry after {RetryAfterSeconds} s.");
            default:
                return TypedResults.NoContent();
        }
    }
}
