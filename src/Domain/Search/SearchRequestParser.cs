using System.Globalization;
using System.Text.Json;

namespace Tracing.Domain.Search;

/// <summary>A 422 problem's field and message: the request names an unknown column, a wrong type, a bad operator...</summary>
public sealed record SearchError(string Field, string Message);

/// <summary>
/// Parses and checks a search request body, pure: every value is type-checked against its column, so the SQL built from
/// the result never sees an unchecked value, and every mistake is a <see cref="SearchError"/> naming the field.
/// </summary>
public static class SearchRequestParser
{
    /// <summary>The body's members, in order: the parser's rule and the OpenAPI schema's test (OpenApiRequestSchemas).</summary>
    public static readonly IReadOnlyList<string> Fields = ["project_id", "since", "until", "filters", "sort", "order", "limit", "cursor"];
    public static readonly IReadOnlyList<string> FilterFields = ["column", "operator", "value"];
    private static readonly HashSet<string> Known = [.. Fields];

    public static (SearchQuery? Query, SearchError? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return Fail("", "the body must be a JSON object");
        foreach (var p in body.EnumerateObject())
            if (!Known.Contains(p.Name)) return Fail(p.Name, $"unknown field '{p.Name}'; expected one of: {string.Join(", ", Known)}");

        if (!OptString(body, "project_id", out var project, out var e1)) return (null, e1);
        if (!OptTime(body, "since", out var since, out var e2)) return (null, e2);
        if (!OptTime(body, "until", out var until, out var e3)) return (null, e3);
        if (!OptString(body, "sort", out var sort, out var e4)) return (null, e4);
        sort ??= "seq";
        if (sort is not ("seq" or "time")) return Fail("sort", "sort must be 'seq' (the store's append order) or 'time' (received_at)");
        if (!OptString(body, "order", out var order, out var e5)) return (null, e5);
        order ??= "desc";
        if (order is not ("asc" or "desc")) return Fail("order", "order must be 'asc' or 'desc'");

        var limit = SearchQuery.DefaultLimit;
        if (body.TryGetProperty("limit", out var l) && l.ValueKind != JsonValueKind.Null)
            if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out limit) || limit < 1 || limit > SearchQuery.MaxLimit)
                return Fail("limit", $"limit must be an integer between 1 and {SearchQuery.MaxLimit}");

        SearchCursor? cursor = null;
        if (!OptString(body, "cursor", out var rawCursor, out var e6)) return (null, e6);
        if (rawCursor is not null)
        {
            cursor = SearchCursor.Decode(rawCursor);
            if (cursor is null) return Fail("cursor", "cursor is not one this API returned");
            if (cursor.Sort != sort || cursor.Descending != (order == "desc"))
                return Fail("cursor", "cursor belongs to another sort or order; repeat the request that returned it");
        }

        var filters = new List<SearchFilter>();
        if (body.TryGetProperty("filters", out var fs) && fs.ValueKind != JsonValueKind.Null)
        {
            if (fs.ValueKind != JsonValueKind.Array) return Fail("filters", "filters must be an array");
            if (fs.GetArrayLength() > SearchQuery.MaxFilters) return Fail("filters", $"at most {SearchQuery.MaxFilters} filters");
            var i = 0;
            foreach (var f in fs.EnumerateArray())
            {
                var (filter, error) = FilterParser.Parse(f, $"filters[{i++}]");
                if (error is not null) return (null, error);
                filters.Add(filter!);
            }
        }
        return (new SearchQuery(project, since, until, filters, sort, order == "desc", limit, cursor), null);
    }

    private static (SearchQuery?, SearchError?) Fail(string field, string message) => (null, new SearchError(field, message));

    private static bool OptString(JsonElement o, string name, out string? value, out SearchError? error)
    {
        value = null; error = null;
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 and <= 256 } s || s.Contains('\0'))
        {
            error = new SearchError(name, $"{name} must be a string of 1-256 characters without U+0000");
            return false;
        }
        value = s;
        return true;
    }

    private static bool OptTime(JsonElement o, string name, out DateTimeOffset? value, out SearchError? error)
    {
        value = null; error = null;
        if (!OptString(o, name, out var raw, out error)) return false;
        if (raw is null) return true;
        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            error = new SearchError(name, $"{name} must be an ISO 8601 timestamp");
            return false;
        }
        value = t.ToUniversalTime();
        return true;
    }
}
