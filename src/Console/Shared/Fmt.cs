using System.Globalization;

namespace Tracing.WebConsole.Shared;

/// <summary>How the console writes times, durations and money: UTC, invariant, short.</summary>
public static class Fmt
{
    public static string Time(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "–";

    public static string Duration(TimeSpan? d) => d switch
    {
        null => "–",
        { TotalMilliseconds: < 1000 } x => $"{x.TotalMilliseconds:0} ms",
        { TotalSeconds: < 120 } x => $"{x.TotalSeconds:0.0} s",
        { } x => $"{x.TotalMinutes:0.0} min",
    };

    public static string Money(decimal usd) => usd == 0 ? "–" : "$" + usd.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Query(params (string Name, string? Value)[] pairs) =>
        string.Join("&", pairs.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
}
