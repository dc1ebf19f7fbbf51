using System.Security.Cryptography;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Events;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Artifacts;
using Tracing.Domain.Sessions;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Artifacts;

/// <summary>
/// Records a stored object as an artifact of a session: the <c>artifact.registered</c> trace event at the session's
/// next seq and the artifact document, in one transaction through <see cref="EventAppender"/> (ADR 0006).
/// </summary>
public sealed class ArtifactRecorder(EventAppender appender, IDocumentStore store, TimeProvider clock)
{
    /// <summary>The artifact bytes the caller's workspace holds (a sum over its artifact records).</summary>
    public async Task<long> WorkspaceBytesAsync(Caller caller, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.WorkspaceId);
        return await session.Query<Tracing.Domain.Artifacts.Artifact>().SumAsync(a => a.Size, ct);
    }

    public async Task<bool> SessionExistsAsync(Caller caller, string sessionId, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.WorkspaceId);
        return await session.LoadAsync<SessionHead>(SessionIds.StreamKey(caller.ProjectId!, sessionId), ct) is not null;
    }

    public async Task<IResult> RecordAsync(Caller caller, string sessionId, StoredObject stored, string contentType,
        string kind, long? seq, CancellationToken ct)
    {
        var artifact = new Artifact
        {
            Id = ArtifactIds.New(RandomNumberGenerator.GetBytes(12)),
            SessionId = sessionId,
            ProjectId = caller.ProjectId!,
            StoragePath = stored.StoragePath,
            Sha256 = stored.Sha256,
            Size = stored.Size,
            ContentType = contentType,
            Kind = kind,
            Seq = seq,
            Actor = caller.Actor,
            CreatedAt = clock.GetUtcNow(),
        };
        var key = SessionIds.StreamKey(caller.ProjectId!, sessionId);
        var result = await appender.AppendNextAsync(caller.WorkspaceId, key, sessionId, ArtifactEvent.IdempotencyKey(artifact.Id),
            next => ArtifactEvent.At(artifact, next),
            (session, e) =>
            {
                artifact.EventSeq = e.Seq;
                session.Store(artifact);
            }, ct);

        if (!result.SessionFound) return Problems.SessionNotFound(sessionId);
        if (result.Outcome!.Accepted.Count == 0)
            return Problems.Conflict("The artifact could not be recorded in the session: " + result.Outcome.Rejected.FirstOrDefault()?.Reason);
        return TypedResults.Created($"/artifacts/{artifact.Id}", ArtifactView.From(artifact));
    }
}
