using System.Text.Json;

namespace Tracing.Domain.Sessions;

/// <summary>A trace session was created for an agent run. First event of every session stream.</summary>
public sealed record SessionStarted(
    string SessionId,
    string WorkspaceId,
    string ProjectId,
    string? Agent,
    string? Name,
    JsonElement? Metadata,
    DateTimeOffset? StartedAt,
    DateTimeOffset CreatedAt,
    string Actor,
    string ContentHash);
