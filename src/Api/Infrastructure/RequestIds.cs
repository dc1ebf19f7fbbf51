using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Tracing.Api.Infrastructure;

/// <summary>Every response carries X-Request-Id; every problem body carries the same value as request_id.</summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";

    public static string For(HttpContext ctx) => ctx.TraceIdentifier;

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        var incoming = ctx.Request.Headers[Header].ToString();
        ctx.TraceIdentifier = IsSafe(incoming) ? incoming : Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        ctx.Response.Headers[Header] = ctx.TraceIdentifier;
        return next(ctx);
    });

    public static IServiceCollection AddTracingProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["request_id"] = For(c.HttpContext);
            c.ProblemDetails.Type ??= Problems.TypeBase + "http-" + c.ProblemDetails.Status;
            // Never leak exception details (stack traces) in a 500.
            c.ProblemDetails.Extensions.Remove("exception");
            if (c.ProblemDetails.Status == 500) c.ProblemDetails.Detail = "Unexpected server error. Quote the request_id when reporting it.";
        });

    private static bool IsSafe(string s) =>
        s.Length is > 0 and <= 64 && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');
}
