using System.Security.Cryptography;
using System.Text;

namespace Tracing.Domain.Access;

/// <summary>A project API key. Only the SHA-256 of the secret is stored; the key is shown once.</summary>
public sealed class ApiKey
{
    public string Id { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string Name { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public string[] Scopes { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>Key format: <c>trk_{id}_{secret}</c>. The id is public and indexes the lookup; the secret is 32 random bytes.</summary>
public static class ApiKeyFormat
{
    public const string Prefix = "trk_";
    public static readonly string[] DefaultScopes = ["traces:read", "traces:write"];

    public static string Compose(string id, ReadOnlySpan<byte> secret) =>
        $"{Prefix}{id}_{Base64Url(secret)}";

    public static bool TryParse(string token, out string id, out string secret)
    {
        id = secret = "";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = token.AsSpan(Prefix.Length);
        var sep = rest.IndexOf('_');
        if (sep <= 0 || sep == rest.Length - 1) return false;
        id = rest[..sep].ToString();
        secret = rest[(sep + 1)..].ToString();
        return true;
    }

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(ApiKey key, string secret) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(key.SecretHash), Encoding.ASCII.GetBytes(Hash(secret)));

    /// <summary>RFC 4648 base64url: '+' → '-', '/' → '_' (a lossless mapping; keys issued before kept '-' for both and
    /// still verify, since the secret is compared as given).</summary>
    public static string Base64Url(ReadOnlySpan<byte> b) =>
        Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
