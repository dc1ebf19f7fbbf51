using System.Text.Json;

namespace Tracing.Domain.Analysis;

/// <summary>
/// Property access that never throws. Ingest only stores object payloads, but a detector must not fail an
/// analysis on a payload from an older validator or a hand-built event; it reads what is there.
/// </summary>
internal static class Json
{
    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value)) return true;
        value = default;
        return false;
    }
}
