using System.Text.Json;

namespace Tracing.Domain.Export;

/// <summary>Rewrites one JSON value with <see cref="RedactionRules"/> applied, straight into a writer.</summary>
public static class JsonRedactor
{
    public static void Write(Utf8JsonWriter w, ReadOnlySpan<byte> utf8Json, RedactionRules rules)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 128 });
        using var doc = JsonDocument.ParseValue(ref reader);
        Write(w, doc.RootElement, rules);
    }

    public static void Write(Utf8JsonWriter w, JsonElement e, RedactionRules rules)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject())
                {
                    w.WritePropertyName(p.Name);
                    if (rules.Keys.Contains(p.Name) && p.Value.ValueKind != JsonValueKind.Null) w.WriteStringValue(RedactionRules.Replacement);
                    else Write(w, p.Value, rules);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray()) Write(w, item, rules);
                w.WriteEndArray();
                break;
            case JsonValueKind.String:
                w.WriteStringValue(rules.RedactString(e.GetString()!));
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }
}
