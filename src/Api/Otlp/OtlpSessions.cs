using Marten;
using Tracing.Domain.Otlp;
using Tracing.Domain.Sessions;
using Tracing.Projections;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Otlp;

/// <summary>Creates an OTLP session on first sight, with the same <see cref="SessionStarted"/> event as POST /api/traces.</summary>
public sealed class OtlpSessions(IDocumentStore store, TimeProvider clock)
{
    public async Task CreateAsync(string workspace, string project, string actor, SessionEvents s, CancellationToken ct)
    {
        var command = new CreateSession(s.SessionId, s.Agent, s.Name, null, s.StartedAt);
        await using var session = store.LightweightSession(workspace);
        session.Events.StartStream<SessionHead>(SessionIds.StreamKey(project, s.SessionId), new SessionStarted(
            s.SessionId, workspace, project, s.Agent, s.Name, null, s.StartedAt, clock.GetUtcNow(), actor, command.ContentHash()));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (LostRace.Is(ex))
        {
            // A concurrent export created it first: the session exists, which is all the caller needs.
        }
    }
}
