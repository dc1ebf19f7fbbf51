using System.Security.Cryptography;
using System.Text;

namespace Tracing.Domain.Analysis;

/// <summary>
/// 16 hex characters of SHA-256 over the detector and its signature parts. Callers pass already-normalised
/// parts (tool name, error type, <see cref="FingerprintNormalizer"/> output), never seqs, ids or times, so the
/// same failure in two sessions gets the same fingerprint.
/// </summary>
public static class Fingerprint
{
    public static string Of(string detector, params string?[] parts)
    {
        // A unit separator keeps ("a b", "c") and ("a", "b c") apart.
        var text = detector + "\u001f" + string.Join("\u001f", parts.Select(p => p ?? ""));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
