using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracing.Domain.Otlp;

/// <summary>
/// Reads a span's attributes by name and remembers which ones a mapping used, so the rest can be kept under one
/// <c>attributes</c> object (nothing sent is lost, nothing is stored twice).
/// </summary>
public sealed class SpanAttributes(IReadOnlyDictionary<string, JsonNode?> values)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonNode?> All => values;

    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>Marks <paramref name="key"/> used without reading it (a value another rule already took).</summary>
    public void Use(string key) => _used.Add(key);

    /// <summary>The first present key's value, as text (numbers and booleans in their JSON spelling); marks it used.</summary>
    public string? Str(params string[] keys)
    {
        foreach (var k in keys)
            if (values.TryGetValue(k, out var v) && v is not null)
            {
                _used.Add(k);
                return v is JsonValue j && j.TryGetValue<string>(out var s) ? s : v.ToJsonString();
            }
        return null;
    }

    /// <summary>The first present key's value as a non-negative integer (OTLP int, double or numeric string).</summary>
    public long? Long(params string[] keys)
    {
        foreach (var k in keys)
        {
            if (!values.TryGetValue(k, out var v) || v is not JsonValue j) continue;
            _used.Add(k);
            if (j.TryGetValue<long>(out var l)) return l >= 0 ? l : null;
            if (j.TryGetValue<double>(out var d)) return d >= 0 && d < long.MaxValue ? (long)d : null;
            if (j.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p)) return p;
            return null;
        }
        return null;
    }

    /// <summary>
    /// The first present key's value as JSON: a string holding a JSON object or array (how semantic conventions carry
    /// structured values in string attributes) is parsed; any other value is copied as it is.
    /// </summary>
    public JsonNode? Json(params string[] keys)
    {
        foreach (var k in keys)
            if (values.TryGetValue(k, out var v) && v is not null)
            {
                _used.Add(k);
                return ParseIfJson(v);
            }
        return null;
    }

    /// <summary>Values of keys <c>{prefix}{i}.{field}</c> grouped by index i, in index order; marks them used.</summary>
    public List<JsonObject> Indexed(string prefix)
    {
        var byIndex = new SortedDictionary<int, JsonObject>();
        foreach (var (k, v) in values)
        {
            if (!k.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = k.AsSpan(prefix.Length);
            var dot = rest.IndexOf('.');
            if (dot <= 0 || !int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var i)) continue;
            _used.Add(k);
            if (!byIndex.TryGetValue(i, out var item)) byIndex[i] = item = new JsonObject();
            item[rest[(dot + 1)..].ToString()] = v is null ? null : ParseIfJson(v);
        }
        return byIndex.Values.ToList();
    }

    /// <summary>Every attribute no mapping used, in key order (so equal spans give equal payloads).</summary>
    public JsonObject? Unused()
    {
        JsonObject? rest = null;
        foreach (var (k, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (!_used.Contains(k)) (rest ??= new JsonObject())[k] = v?.DeepClone();
        return rest;
    }

    /// <summary>
    /// A JSON string attribute is parsed only when it nests at most 48 levels, so wherever the mapping places it (a few
    /// levels down) the payload stays within the 64 levels every stored payload keeps to; a deeper one is kept as its text.
    /// </summary>
    private static readonly JsonDocumentOptions ParsedDepth = new() { MaxDepth = 48 };

    public static JsonNode ParseIfJson(JsonNode v)
    {
        if (v is JsonValue j && j.TryGetValue<string>(out var s) && s.Length > 1 && (s[0] is '{' or '['))
        {
            try { return JsonNode.Parse(s, documentOptions: ParsedDepth) ?? JsonValue.Create(s)!; }
            catch (JsonException) { return JsonValue.Create(s)!; }
        }
        return v.DeepClone();
    }
}
