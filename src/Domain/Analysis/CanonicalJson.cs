using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tracing.Domain.Analysis;

/// <summary>
/// One text per JSON value regardless of how the client wrote it: object keys sorted (ordinal), no whitespace,
/// strings re-escaped by one writer, numbers as written (1 and 1.0 stay different: agents rarely vary that).
/// Used to decide "same arguments" without depending on key order. An instance reuses its buffer, so a
/// detector creates one per analysis (not shared across threads).
/// </summary>
public sealed class CanonicalJson
{
    private readonly ArrayBufferWriter<byte> buffer = new(256);
    private readonly Utf8JsonWriter writer;

    public CanonicalJson() => writer = new Utf8JsonWriter(buffer);

    public static string Of(JsonElement value) => new CanonicalJson().Text(value);

    public string Text(JsonElement value)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Write(writer, value);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                // OrderBy is stable, so duplicate keys keep the order the client sent them in.
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
