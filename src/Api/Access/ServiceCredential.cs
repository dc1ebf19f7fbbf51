using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Tracing.Api.Access;

/// <summary>
/// The credential of trusted server-side processes (<c>Tracing:ServiceToken</c>), sent as a Bearer token with
/// <c>X-Tracing-Workspace</c> / <c>X-Tracing-Project</c> saying on whose behalf. Compared in constant time over
/// SHA-256 digests (so not even the length leaks); never logged. Unset: no service credential exists.
/// </summary>
public sealed partial class ServiceCredential(string? token)
{
    public const string WorkspaceHeader = "X-Tracing-Workspace";
    public const string ProjectHeader = "X-Tracing-Project";

    /// <summary>A bearer secret shorter than this is guessable in practice: refused at start-up.</summary>
    public const int MinLength = 32;

    private readonly byte[]? _digest = string.IsNullOrEmpty(token) ? null
        : token.Length < MinLength ? throw new InvalidOperationException($"Tracing:ServiceToken must be at least {MinLength} characters.")
        : Digest(token);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidName();

    public bool Matches(string presented) =>
        _digest is not null && CryptographicOperations.FixedTimeEquals(Digest(presented), _digest);

    public static bool IsValidName(string? name) => name is not null && ValidName().IsMatch(name);

    private static byte[] Digest(string s) => SHA256.HashData(Encoding.UTF8.GetBytes(s));
}
