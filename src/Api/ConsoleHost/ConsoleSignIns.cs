using System.Security.Cryptography;
using Marten;
using Tracing.Api.Access;
using Tracing.Domain.Access;
using Tracing.Projections;

namespace Tracing.Api.ConsoleHost;

/// <summary>
/// One-time sign-in links for the console (ADR 0018), like a notebook server's token link: the code is shown once,
/// stored as a hash, redeemable once within its lifetime, on any node.
/// </summary>
public sealed class ConsoleSignIns(IDocumentStore store, TimeProvider clock)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);
    public const string Prefix = "csi_";
    public const string Path = "/console/signin";

    public async Task<string> IssueAsync(string workspace, string role, string subject, TimeSpan lifetime, CancellationToken ct)
    {
        var code = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var session = store.LightweightSession();
        session.Store(new ConsoleSignInCode
        {
            Id = ApiKeyFormat.Hash(code), WorkspaceId = workspace, Role = role, Subject = subject,
            ExpiresAt = clock.GetUtcNow() + lifetime,
        });
        await session.SaveChangesAsync(ct);
        return code;
    }

    /// <summary>Redeems a code once (<see cref="SingleUseRedemption"/>).</summary>
    public async Task<ConsoleSignInCode?> RedeemAsync(string? code, CancellationToken ct)
    {
        if (code is null || !code.StartsWith(Prefix, StringComparison.Ordinal) || code.Length > 100) return null;
        return await SingleUseRedemption.RedeemAsync<ConsoleSignInCode>(store, ApiKeyFormat.Hash(code), clock.GetUtcNow(), ct);
    }

    public static string Link(Uri baseAddress, string code) => new Uri(baseAddress, $"{Path}?code={Uri.EscapeDataString(code)}").ToString();
}
