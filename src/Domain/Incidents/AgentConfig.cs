using System.Security.Cryptography;
using System.Text;

namespace Tracing.Domain.Incidents;

/// <summary>A project's agent configuration text (the file a fix agent proposes diffs against). One per project.</summary>
public sealed class AgentConfig
{
    /// <summary>The project id (documents are per workspace tenant).</summary>
    public string Id { get; set; } = "";
    public string Content { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public int Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public const int MaxBytes = 64 * 1024;

    public static string Hash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
