using System.Text.Json;
using Tracing.Domain.Search;

namespace Tracing.Api.Search;

/// <summary>The documented request body of POST /api/search/events (parsed by <see cref="SearchRequestParser"/>).</summary>
public sealed record SearchRequestBody(
    string? ProjectId, string? Since, string? Until, IReadOnlyList<SearchFilterBody>? Filters,
    string? Sort, string? Order, int? Limit, string? Cursor);

/// <summary>One filter: <c>value</c> is typed by the column (see the operation's description).</summary>
public sealed record SearchFilterBody(string Column, string Operator, JsonElement? Value);

/// <summary>The operation description, generated from the column catalogue so the document cannot drift from the parser.</summary>
public static class SearchOpenApi
{
    public static string Description =>
        "Filters combine with AND. Columns and their operators:\n\n" +
        string.Join("\n", SearchColumns.Typed.Select(c =>
            $"- `{c.Name}` ({c.Kind.ToString().ToLowerInvariant()}: {string.Join(", ", SearchColumns.Operators.Where(SearchColumns.OperatorsFor(c.Kind).Contains))}): {c.Description}")) +
        $"\n- `payload.<path>` (json: {string.Join(", ", SearchColumns.Operators.Where(SearchColumns.OperatorsFor(ColumnKind.Json).Contains))}): " +
        "a payload field by dotted path (up to 8 segments of [A-Za-z0-9_-]); eq/neq/in compare JSON values, gt..lte compare numbers " +
        "numerically or strings bytewise.\n\n" +
        "`exists` takes true or false; `in` takes an array of 1-100 values; neq and the comparisons never match a missing value. " +
        $"`sort`: seq (the store's append order, default) or time (received_at); `order`: desc (default) or asc; `limit` 1-{SearchQuery.MaxLimit} " +
        $"(default {SearchQuery.DefaultLimit}); `since`/`until` bound received_at. Page with `next_cursor` while `has_more`: a seq-sorted " +
        "cursor never skips or repeats a row, even while events are appended. An unknown column, an operator that does not fit " +
        "the column, or a value of the wrong type is a 422 naming the filter (`filters[i].column|operator|value`).";
}
