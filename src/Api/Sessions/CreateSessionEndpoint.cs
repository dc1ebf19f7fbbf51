using Tracing.Projections;
using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Sessions;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Sessions;

/// <summary>POST /api/traces: create a trace session (idempotent on an identical repeat).</summary>
public static class CreateSessionEndpoint
{
    public static async Task<IResult> Handle(HttpRequest request, Caller caller, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        if (caller.ProjectId is null) return SessionScope.ProjectRequired();
        var (doc, problem) = await JsonBody.ReadAsync(request, 256 * 1024, ct);
        if (problem is not null) return problem;
        using var _ = doc;

        var (command, field, error) = CreateSession.Parse(doc!.RootElement);
        if (command is null) return Problems.Validation(field!, error!);

        var now = clock.GetUtcNow();
        var sessionId = command.Id ?? SessionIds.NewSortable(now, RandomNumberGenerator.GetBytes(5));
        var key = SessionIds.StreamKey(caller.ProjectId, sessionId);
        var hash = command.ContentHash();

        await using var session = store.LightweightSession(caller.WorkspaceId);
        var existing = await session.LoadAsync<SessionHead>(key, ct);
        if (existing is null)
        {
            var started = new SessionStarted(sessionId, caller.WorkspaceId, caller.ProjectId, command.Agent, command.Name,
                command.Metadata, command.StartedAt, now, caller.Actor, hash);
            session.Events.StartStream<SessionHead>(key, started);
            try
            {
                await session.SaveChangesAsync(ct);
                var head = new SessionHead
                {
                    Id = key, SessionId = sessionId, ProjectId = caller.ProjectId, Agent = command.Agent, Name = command.Name,
                    Metadata = command.Metadata, StartedAt = command.StartedAt, CreatedAt = now, ContentHash = hash,
                };
                return TypedResults.Created($"/api/traces/{Uri.EscapeDataString(sessionId)}", SessionView.From(head));
            }
            catch (Exception ex) when (LostRace.Is(ex))
            {
                // A racing identical create won: fall through and compare with what it stored.
            }
            await using var reread = store.QuerySession(caller.WorkspaceId);
            existing = await reread.LoadAsync<SessionHead>(key, ct);
            if (existing is null) throw new InvalidOperationException("Stream exists without its inline head.");
        }

        return existing.ContentHash == hash
            ? TypedResults.Ok(SessionView.From(existing))
            : Problems.Conflict($"Trace session '{sessionId}' already exists with different content.");
    }
}

/// <summary>The OpenAPI shape of the create-session body (<see cref="CreateSessionEndpoint"/> parses it strictly).</summary>
public sealed record CreateSessionInput(string? Id, string? Agent, string? Name, System.Text.Json.JsonElement? Metadata, DateTimeOffset? StartedAt);
