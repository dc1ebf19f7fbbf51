using System.Security.Cryptography;
using System.Text.Json;

namespace Tracing.Domain.Audit;

/// <summary>Builds audit entries; the caller stores them in the session that carries the change (one transaction).</summary>
public static class AuditEntries
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static AuditEntry New(DateTimeOffset now, string? projectId, string action, string target, string actor,
        object? before, object? after, string? requestId = null) => new()
    {
        Id = SortableIds.New("aud_", now, RandomNumberGenerator.GetBytes(5)),
        ProjectId = projectId,
        Action = action,
        Target = target,
        Actor = actor,
        At = now,
        Before = before is null ? null : JsonSerializer.SerializeToElement(before, Json),
        After = after is null ? null : JsonSerializer.SerializeToElement(after, Json),
        RequestId = requestId,
    };
}
