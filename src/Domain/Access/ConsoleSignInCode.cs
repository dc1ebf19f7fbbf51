namespace Tracing.Domain.Access;

/// <summary>
/// A one-time console sign-in link (<c>./tracing run</c>, <c>./tracing console-link</c>): stored by the SHA-256 of its
/// code, redeemable once before it expires, for one workspace and role (ADR 0018).
/// </summary>
public sealed class ConsoleSignInCode : ISingleUse
{
    public string Id { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public string Role { get; set; } = "";
    public string Subject { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}
