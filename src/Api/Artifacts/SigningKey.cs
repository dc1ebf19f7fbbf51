using System.Security.Cryptography;
using System.Text;

namespace Tracing.Api.Artifacts;

/// <summary>The server secret that signs download links (<c>Tracing:SigningSecret</c>). Never logged.</summary>
public sealed class SigningKey(byte[] bytes)
{
    /// <summary>HMAC-SHA256 wants a key of at least 256 bits; a shorter secret is refused at start-up.</summary>
    public const int MinSecretBytes = 32;

    public ReadOnlySpan<byte> Bytes => bytes;

    public static SigningKey From(IConfiguration config, ILogger logger)
    {
        var secret = config["Tracing:SigningSecret"];
        if (!string.IsNullOrEmpty(secret))
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            if (bytes.Length < MinSecretBytes)
                throw new InvalidOperationException($"Tracing:SigningSecret must be at least {MinSecretBytes} bytes.");
            return new SigningKey(bytes);
        }
        logger.LogWarning("Tracing:SigningSecret is not set: using a random signing secret. Signed artifact URLs will not " +
                          "survive a restart and will not work across nodes; set the same secret on every node.");
        return new SigningKey(RandomNumberGenerator.GetBytes(32));
    }
}
