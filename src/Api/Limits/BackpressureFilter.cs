using System.Globalization;
using Tracing.Api.Infrastructure;
using Tracing.Projections.Observability;

namespace Tracing.Api.Limits;

/// <summary>Ingest routes: 429 with Retry-After while the read models trail the log by more than the bound.</summary>
public sealed class BackpressureFilter(LagSampler sampler, BackpressureOptions options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (options.MaxProjectionLag > 0)
        {
            var http = context.HttpContext;
            var lag = await sampler.CurrentAsync(http.RequestAborted);
            if (Backpressure.Decide(lag, options.MaxProjectionLag) is { } wait)
            {
                var seconds = (int)Math.Ceiling(wait.TotalSeconds);
                TracingMeter.BackpressureRejections.Add(1);
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                // No numbers: the lag is server-wide and says something about other workspaces' traffic.
                return Problems.Problem(429, "backpressure", "Ingest paused",
                    $"The server's read models are catching up with the event log; nothing was stored. Retry after {seconds} s.");
            }
        }
        return await next(context);
    }
}
