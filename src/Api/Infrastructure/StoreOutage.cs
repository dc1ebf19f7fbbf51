using System.Net.Sockets;
using Npgsql;

namespace Tracing.Api.Infrastructure;

/// <summary>
/// Recognises the store being unreachable or overloaded (connection refused or dropped, timeouts, PostgreSQL's
/// transient error classes) as opposed to a bug: answered 503 with Retry-After, which clients retry.
/// </summary>
public static class StoreOutage
{
    public const int RetryAfterSeconds = 5;

    public static bool Is(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is NpgsqlException { IsTransient: true } or TimeoutException or SocketException) return true;
        return false;
    }

    public static IResult Answer(HttpContext http)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Problem(503, "store-unavailable", "Store unavailable",
            $"The event store cannot be reached right now; nothing more was stored. Retry after {RetryAfterSeconds} s.");
    }
}
