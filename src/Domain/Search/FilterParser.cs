using System.Globalization;
using System.Text.Json;

namespace Tracing.Domain.Search;

/// <summary>One <c>{"column", "operator", "value"}</c> filter: the column must exist, the operator suit its type, the value have that type.</summary>
public static class FilterParser
{
    public static (SearchFilter? Filter, SearchError? Error) Parse(JsonElement f, string at)
    {
        if (f.ValueKind != JsonValueKind.Object) return Fail(at, "a filter must be an object {\"column\", \"operator\", \"value\"}");
        foreach (var p in f.EnumerateObject())
            if (!SearchRequestParser.FilterFields.Contains(p.Name)) return Fail($"{at}.{p.Name}", $"unknown filter field '{p.Name}'");
        if (!f.TryGetProperty("column", out var c) || c.ValueKind != JsonValueKind.String)
            return Fail($"{at}.column", "column is required (a string)");
        var name = c.GetString()!;
        var column = SearchColumns.Find(name);
        if (column is null)
            return Fail($"{at}.column", $"unknown column '{name}'; columns: {string.Join(", ", SearchColumns.Typed.Select(x => x.Name))}, payload.<path>");
        if (!f.TryGetProperty("operator", out var o) || o.ValueKind != JsonValueKind.String)
            return Fail($"{at}.operator", "operator is required (a string)");
        var op = o.GetString()!;
        var allowed = SearchColumns.OperatorsFor(column.Kind);
        if (!allowed.Contains(op))
            return Fail($"{at}.operator", $"operator '{op}' does not apply to column '{name}' ({Kind(column.Kind)}); use one of: " +
                                          string.Join(", ", SearchColumns.Operators.Where(allowed.Contains)));
        if (!f.TryGetProperty("value", out var v)) return Fail($"{at}.value", $"value is required for '{op}'");

        var value = op switch
        {
            "exists" => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null,
            "in" => List(column, v),
            _ => Scalar(column, op, v),
        };
        if (value is null) return Fail($"{at}.value", $"column '{name}' with '{op}' takes {Expected(column.Kind, op)}");
        return (new SearchFilter(column, op, value), null);
    }

    private static (SearchFilter?, SearchError?) Fail(string field, string message) => (null, new SearchError(field, message));

    private static object? List(SearchColumn column, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() is 0 or > SearchQuery.MaxInValues) return null;
        var items = v.EnumerateArray().Select(x => Scalar(column, "eq", x)).ToList();
        if (items.Any(x => x is null)) return null;
        return column.Kind switch
        {
            ColumnKind.Text => items.Cast<string>().ToArray(),
            ColumnKind.Integer => items.Cast<long>().ToArray(),
            ColumnKind.Number => items.Cast<decimal>().ToArray(),
            _ => items.Cast<string>().ToArray(), // payload: JSON texts
        };
    }

    // PostgreSQL text and jsonb cannot hold U+0000: such a value could never match, and would fail in the database.
    private static object? Scalar(SearchColumn column, string op, JsonElement v) =>
        v.ValueKind == JsonValueKind.String && v.GetString()!.Contains('\0') ? null : Typed(column, op, v);

    private static object? Typed(SearchColumn column, string op, JsonElement v) => column.Kind switch
    {
        ColumnKind.Text => v.ValueKind == JsonValueKind.String ? v.GetString() : null,
        ColumnKind.Integer => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null,
        ColumnKind.Number => v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null,
        ColumnKind.Time => v.ValueKind == JsonValueKind.String &&
                           DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime() : null,
        ColumnKind.Boolean => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null,
        _ => op switch
        {
            "eq" or "neq" => v.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                ? v.GetRawText() : null,
            "contains" or "prefix" => v.ValueKind == JsonValueKind.String ? v.GetString() : null,
            _ => v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var pd) ? pd : v.ValueKind == JsonValueKind.String ? v.GetString() : null,
        },
    };

    private static string Kind(ColumnKind k) => k.ToString().ToLowerInvariant();

    private static string Expected(ColumnKind kind, string op) => op switch
    {
        "exists" => "true or false",
        "in" => $"an array of 1 to {SearchQuery.MaxInValues} {(kind == ColumnKind.Json ? "JSON scalars" : Kind(kind) + " values")}",
        _ => kind switch
        {
            ColumnKind.Text => "a string",
            ColumnKind.Integer => "an integer",
            ColumnKind.Number => "a number",
            ColumnKind.Time => "an ISO 8601 timestamp string",
            ColumnKind.Boolean => "true or false",
            _ => op is "contains" or "prefix" ? "a string" : op is "eq" or "neq" ? "a JSON scalar (string, number, boolean)" : "a number or a string",
        },
    };
}
