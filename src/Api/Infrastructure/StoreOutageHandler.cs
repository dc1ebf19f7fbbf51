using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;

namespace Tracing.Api.Infrastructure;

/// <summary>
/// A store outage is a retryable 503 with <c>Retry-After</c> and a problem body, never a 500: clients and proxies retry
/// 503, many do not retry 500. A 2xx still means committed; a write cut off mid-commit may or may not have landed,
/// which a retry with the same idempotency keys settles (stored once, reported as a duplicate).
/// </summary>
public sealed class StoreOutageHandler(ILogger<StoreOutageHandler> log) : IExceptionHandler
{
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!StoreOutage.Is(exception) || http.Response.HasStarted) return false;
        // The message only: the exception's text names the database host, never a credential.
        log.LogWarning("Store unavailable while serving a request: {Error}", exception.GetBaseException().Message);
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await ProblemWriter.WriteAsync(http, 503, "store-unavailable", "Service unavailable",
            $"The event store cannot be reached right now. Retry after {RetryAfterSeconds} s; " +
            "retried events with the same idempotency keys are stored once.");
        return true;
    }
}
