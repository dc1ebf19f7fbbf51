using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>PostgreSQL jsonb cannot hold U+0000; such input is rejected up front instead of failing the write.</summary>
public static class JsonSafety
{
    /// <summary>
    /// True when a string or property name holds U+0000. JSON text can only spell it as an escape, so a token without a
    /// backslash is read no further (no string is allocated for it).
    /// </summary>
    public static bool ContainsNul(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => Escaped(JsonMarshal.GetRawUtf8Value(e)) && e.GetString()!.Contains('\0'),
        JsonValueKind.Object => e.EnumerateObject().Any(p =>
            (Escaped(JsonMarshal.GetRawUtf8PropertyName(p)) && p.Name.Contains('\0')) || ContainsNul(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Any(ContainsNul),
        _ => false,
    };

    /// <summary>The element's JSON text length in UTF-8 bytes, as received (no copy).</summary>
    public static int Utf8Length(JsonElement e) => JsonMarshal.GetRawUtf8Value(e).Length;

    private static bool Escaped(ReadOnlySpan<byte> raw) => raw.IndexOf((byte)'\\') >= 0;
}
