using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracing.Domain.Events;

namespace Tracing.Domain.Sessions;

/// <summary>A validated POST /api/traces request.</summary>
public sealed record CreateSession(string? Id, string? Agent, string? Name, JsonElement? Metadata, DateTimeOffset? StartedAt)
{
    public const int MaxTextLength = 200;

    /// <summary>Validation is pure: JSON in, a command or (field, message) out.</summary>
    public static (CreateSession? Command, string? Field, string? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "body", "body must be a JSON object");

        string? id = null;
        if (Present(body, "id", out var idEl))
        {
            if (idEl.ValueKind != JsonValueKind.String || !SessionIds.IsValid(idEl.GetString()))
                return (null, "id", "id must be 1-128 characters of A-Za-z0-9._:-");
            id = idEl.GetString();
        }
        var (agent, agentErr) = Text(body, "agent");
        if (agentErr is not null) return (null, "agent", agentErr);
        var (name, nameErr) = Text(body, "name");
        if (nameErr is not null) return (null, "name", nameErr);

        JsonElement? metadata = null;
        if (Present(body, "metadata", out var m))
        {
            if (m.ValueKind != JsonValueKind.Object) return (null, "metadata", "metadata must be a JSON object");
            if (JsonSafety.ContainsNul(m)) return (null, "metadata", "metadata must not contain NUL (U+0000) characters");
            if (JsonSafety.Utf8Length(m) > 64 * 1024) return (null, "metadata", "metadata exceeds 65536 bytes");
            metadata = m.Clone();
        }

        DateTimeOffset? startedAt = null;
        if (Present(body, "started_at", out var s))
        {
            if (s.ValueKind != JsonValueKind.String ||
                !DateTimeOffset.TryParse(s.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return (null, "started_at", "started_at must be an ISO 8601 timestamp");
            startedAt = parsed.ToUniversalTime();
        }
        return (new CreateSession(id, agent, name, metadata, startedAt), null, null);
    }

    /// <summary>What makes a repeated create "identical" (200) rather than conflicting (409).</summary>
    public string ContentHash()
    {
        var meta = Metadata is { } m ? JsonSerializer.Serialize(m) : "null";
        var text = $"{Agent}\n{Name}\n{meta}\n{StartedAt?.UtcTicks}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static bool Present(JsonElement o, string name, out JsonElement v) =>
        o.TryGetProperty(name, out v) && v.ValueKind != JsonValueKind.Null;

    private static (string? Value, string? Error) Text(JsonElement o, string name)
    {
        if (!Present(o, name, out var v)) return (null, null);
        if (v.ValueKind != JsonValueKind.String) return (null, $"{name} must be a string");
        var s = v.GetString()!;
        if (s.Length > MaxTextLength) return (null, $"{name} must be at most {MaxTextLength} characters");
        if (s.Contains('\0')) return (null, $"{name} must not contain NUL characters");
        return (s, null);
    }
}
