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

    /// <summary>The API key it was issued for (null for console tokens): redeeming and resuming recheck it.</summary>
    public string? KeyId { get; set; }

    /// <summary>When the issuing credential expires (a console token's exp); the ticket never outlives it.</summary>
    public DateTimeOffset? CredentialExpiresAt { get; set; }
}

