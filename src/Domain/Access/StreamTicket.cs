namespace Tracing.Domain.Access;

/// <summary>A redeemable stream ticket, stored by the SHA-256 of its value.</summary>
public sealed class StreamTicket : ISingleUse
{
    public string Id { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public string? ProjectId { get; set; }
    public string Actor { get; set; } = "";
    public string[] Scopes { get; set; } = [];
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

