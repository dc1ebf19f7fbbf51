using System.Globalization;

namespace Tracing.Api.Infrastructure;

/// <summary>Strict query-string parsing: a bad value is a 422 naming the parameter, never a 500 or a silent default.</summary>
public static class Query
{
    public static bool TryInt(string? raw, int fallback, int min, int max, out int value)
    {
        value = fallback;
        if (raw is null) return true;
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    public static bool TryLong(string? raw, long fallback, out long value)
    {
        value = fallback;
        if (raw is null) return true;
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0;
    }

    public static bool TryTime(string? raw, out DateTimeOffset? value)
    {
        value = null;
        if (raw is null) return true;
        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return false;
        value = t.ToUniversalTime();
        return true;
    }
}
