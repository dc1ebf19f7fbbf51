using System.Diagnostics;

namespace Tracing.Api.Infrastructure;

/// <summary>
/// Request lines without credentials. ASP.NET Core's own request lines (Microsoft.AspNetCore.Hosting.Diagnostics)
/// print the raw query string, which carries stream tickets (<c>?ticket=</c>) and signed-link signatures
/// (<c>?sig=</c>); they are filtered out at every level, and this middleware logs the same facts at Debug with those
/// values redacted. The framework's redirect log (the signed download link, with its signature) is filtered the same way.
/// </summary>
public static class RequestLog
{
    public const string Category = "Tracing.Api.Requests";
    private static readonly HashSet<string> Secret = new(StringComparer.OrdinalIgnoreCase) { "ticket", "sig" };

    /// <summary>The query string with the values of credential-bearing parameters replaced. Pure.</summary>
    public static string Redact(IQueryCollection query) =>
        query.Count == 0 ? "" : "?" + string.Join("&", query.Select(q => Printable(q.Key) + "=" + (Secret.Contains(q.Key) ? "***" : Printable(q.Value.ToString()))));

    /// <summary>
    /// Control characters (CR, LF, ...) from a decoded path or query escaped as <c>\xNN</c>, so a request cannot forge
    /// log lines in plain-text sinks. Pure.
    /// </summary>
    public static string Printable(string s)
    {
        if (!s.Any(char.IsControl)) return s;
        var b = new System.Text.StringBuilder(s.Length + 8);
        foreach (var c in s)
            if (char.IsControl(c)) b.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else b.Append(c);
        return b.ToString();
    }

    public static WebApplicationBuilder AddRequestLog(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result.RedirectResult", LogLevel.Warning);
        return builder;
    }

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (ctx, next) =>
        {
            if (!log.IsEnabled(LogLevel.Debug))
            {
                await next(ctx);
                return;
            }
            var started = Stopwatch.GetTimestamp();
            try { await next(ctx); }
            finally
            {
                log.LogDebug("{Method} {Path}{Query} {Status} {ElapsedMs:F1} ms", ctx.Request.Method, Printable(ctx.Request.Path.ToString()),
                    Redact(ctx.Request.Query), ctx.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
    }
}
