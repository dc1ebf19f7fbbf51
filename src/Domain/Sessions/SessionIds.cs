using System.Buffers.Text;
using System.Text.RegularExpressions;

namespace Tracing.Domain.Sessions;

public static partial class SessionIds
{
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex ValidId();

    public static bool IsValid(string? id) => id is not null && ValidId().IsMatch(id);

    /// <summary>
    /// A sortable id: "ses_" + 12 hex digits of milliseconds since the epoch + 10 random hex digits.
    /// Time and randomness come in as arguments so the rule stays pure.
    /// </summary>
    public static string NewSortable(DateTimeOffset now, ReadOnlySpan<byte> random5)
    {
        var millis = now.ToUnixTimeMilliseconds();
        return $"ses_{millis:x12}{Convert.ToHexStringLower(random5[..5])}";
    }

    /// <summary>Marten stream key: sessions are keyed per project so projects stay hard walls.</summary>
    public static string StreamKey(string projectId, string sessionId) => $"{projectId}/{sessionId}";
}
