using System.Text;
using System.Text.Json;

namespace Tracing.Domain.Analysis;

/// <summary>
/// One text per JSON value regardless of how the client wrote it: object keys sorted (ordinal), no whitespace,
/// strings re-escaped by one writer, numbers as written (1 and 1.0 stay different: agents rarely vary that).
/// Used to decide "same arguments" without depending on key order.
/// </summary>
public static class CanonicalJson
{
    public static string Of(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            Write(writer, value);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray()) Write(w, item);
                w.WriteEndArray();
                break;
            case JsonValueKind.Undefined:
                w.WriteNullValue();
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }
}
