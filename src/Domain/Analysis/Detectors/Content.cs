using System.Text;
using System.Text.Json;

namespace Tracing.Domain.Analysis.Detectors;

public enum ContentKind { Empty, Text, Structured }

/// <summary>Reads <c>llm.response.content</c>, which providers send as a string or as an array of parts.</summary>
public static class Content
{
    /// <summary>
    /// A string is text; an array's <c>text</c> parts (or string items) are joined into text, and an array with
    /// other parts (images, tool use) is structured, and so is any other non-null value. Whitespace-only text is empty.
    /// </summary>
    public static (ContentKind Kind, string Text) TextOf(JsonElement payload)
    {
        if (!Json.TryGet(payload, "content", out var c)) return (ContentKind.Empty, "");
        switch (c.ValueKind)
        {
            case JsonValueKind.String:
                var s = c.GetString()!;
                return (string.IsNullOrWhiteSpace(s) ? ContentKind.Empty : ContentKind.Text, s);
            case JsonValueKind.Array:
                var sb = new StringBuilder();
                var other = false;
                foreach (var part in c.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.String) sb.Append(part.GetString());
                    else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                        sb.Append(t.GetString());
                    else if (part.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)) other = true;
                }
                var text = sb.ToString();
                return string.IsNullOrWhiteSpace(text) ? (other ? ContentKind.Structured : ContentKind.Empty, text) : (ContentKind.Text, text);
            case JsonValueKind.Null:
                return (ContentKind.Empty, "");
            default: // an object, number or boolean is an answer, just not text
                return (ContentKind.Structured, "");
        }
    }

    /// <summary>Strict: the whole text must be one JSON value. Code fences around it count as unparseable.</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
