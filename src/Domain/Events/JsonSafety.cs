using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>PostgreSQL jsonb cannot hold U+0000; such input is rejected up front instead of failing the write.</summary>
public static class JsonSafety
{
    public static bool ContainsNul(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!.Contains('\0'),
        JsonValueKind.Object => e.EnumerateObject().Any(p => p.Name.Contains('\0') || ContainsNul(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Any(ContainsNul),
        _ => false,
    };
}
