namespace Tracing.Domain.Access;

/// <summary>A credential stored by the hash of its value that can be redeemed once before it expires.</summary>
public interface ISingleUse
{
    string Id { get; }
    DateTimeOffset ExpiresAt { get; }
    DateTimeOffset? UsedAt { get; set; }
}
