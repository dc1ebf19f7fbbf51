namespace Tracing.Domain.Search;

/// <summary>One checked filter. <see cref="Value"/> is typed by the column: string, long, decimal, DateTimeOffset, bool, an
/// array of those for <c>in</c>, or for payload columns a JSON text (eq/neq/in) / string / decimal.</summary>
public sealed record SearchFilter(SearchColumn Column, string Operator, object Value);

public sealed record SearchQuery(
    string? ProjectId, DateTimeOffset? Since, DateTimeOffset? Until, IReadOnlyList<SearchFilter> Filters,
    string Sort, bool Descending, int Limit, SearchCursor? Cursor)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxFilters = 20;
    public const int MaxInValues = 100;
}

/// <summary>Where a page ended: the last row's position (and receive time for the time sort).</summary>
public sealed record SearchCursor(string Sort, bool Descending, long Position, DateTimeOffset ReceivedAt)
{
    public string Encode() =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"v1|{Sort}|{(Descending ? "desc" : "asc")}|{Position}|{ReceivedAt.UtcTicks}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static SearchCursor? Decode(string raw)
    {
        try
        {
            var b64 = raw.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
            if (parts is not ["v1", "seq" or "time", "asc" or "desc", var pos, var ticks]) return null;
            return new SearchCursor(parts[1], parts[2] == "desc", long.Parse(pos, System.Globalization.CultureInfo.InvariantCulture),
                new DateTimeOffset(long.Parse(ticks, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero));
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }
}
