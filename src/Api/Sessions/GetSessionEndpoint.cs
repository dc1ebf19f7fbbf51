using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Sessions;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Sessions;

/// <summary>GET /api/traces/{id}: the session read model.</summary>
public static class GetSessionEndpoint
{
    public static async Task<IResult> Handle(string id, Caller caller, IDocumentStore store, CancellationToken ct)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        var key = SessionIds.StreamKey(project, id);
        await using var session = store.QuerySession(caller.WorkspaceId);
        var summary = await session.LoadAsync<SessionSummary>(key, ct);
        if (summary is not null) return TypedResults.Ok(SessionView.From(summary));
        var head = await session.LoadAsync<SessionHead>(key, ct);
        return head is null ? Problems.SessionNotFound(id) : TypedResults.Ok(SessionView.From(head));
    }
}
