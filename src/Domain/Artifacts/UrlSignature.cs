using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tracing.Domain.Artifacts;

public enum SignatureCheck { Valid, Expired, Invalid }

/// <summary>
/// Short-lived download links: HMAC-SHA256 over artifact id, expiry (Unix seconds) and workspace with a server
/// secret. Pure: the key and the current time come in as arguments.
/// </summary>
public static class UrlSignature
{
    public static string Sign(ReadOnlySpan<byte> key, string artifactId, long expiresAt, string workspace) =>
        Base64Url.EncodeToString(Mac(key, artifactId, expiresAt, workspace));

    /// <summary>The signature is checked before the expiry, so a tampered link never learns whether it expired.</summary>
    public static SignatureCheck Check(ReadOnlySpan<byte> key, string artifactId, string? exp, string? workspace, string? sig, DateTimeOffset now)
    {
        if (exp is null || workspace is null || sig is null || sig.Length > 128) return SignatureCheck.Invalid;
        if (!long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)) return SignatureCheck.Invalid;

        Span<byte> given = stackalloc byte[96];
        if (Base64Url.DecodeFromChars(sig, given, out _, out var written) != System.Buffers.OperationStatus.Done)
            return SignatureCheck.Invalid;
        if (!CryptographicOperations.FixedTimeEquals(given[..written], Mac(key, artifactId, expiresAt, workspace)))
            return SignatureCheck.Invalid;
        return now.ToUnixTimeSeconds() > expiresAt ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    private static byte[] Mac(ReadOnlySpan<byte> key, string artifactId, long expiresAt, string workspace) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{artifactId}\n{expiresAt}\n{workspace}")));
}
