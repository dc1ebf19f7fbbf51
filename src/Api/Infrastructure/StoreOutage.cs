using System.Net.Sockets;
using Npgsql;

namespace Tracing.Api.Infrastructure;

/// <summary>
/// Recognises a failure to reach the store (connection refused or reset, timeout, server shutting down or starting up,
/// too many connections) as opposed to a bug. Pure: walks the exception chain, including Marten's and aggregate wrappers.
/// </summary>
public static class StoreOutage
{
    /// <summary>SQLSTATE classes and codes that mean "the database is not serving now", not "the request is wrong".</summary>
    private static readonly HashSet<string> UnavailableStates =
    [
        PostgresErrorCodes.AdminShutdown, PostgresErrorCodes.CrashShutdown, PostgresErrorCodes.CannotConnectNow,
        PostgresErrorCodes.TooManyConnections, PostgresErrorCodes.QueryCanceled,
    ];

    public static bool Is(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || UnavailableStates.Contains(pg.SqlState);
                case NpgsqlException npg when npg.IsTransient:
                case SocketException:
                case TimeoutException:
                    return true;
                case AggregateException agg when agg.InnerExceptions.Any(Is):
                    return true;
            }
        }
        return false;
    }

    /// <summary>The same answer as <see cref="StoreOutageHandler"/>, for routes that catch the outage themselves (OTLP).</summary>
    public static IResult Answer(HttpContext http)
    {
        http.Response.Headers.RetryAfter = StoreOutageHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Problem(503, "store-unavailable", "Service unavailable",
            $"The event store cannot be reached right now; nothing more was stored. Retry after {StoreOutageHandler.RetryAfterSeconds} s.");
    }
}
