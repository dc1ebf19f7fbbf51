using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Health;

/// <summary>
/// Liveness and readiness for compose and orchestrators, on ASP.NET Core health checks. <c>/health/live</c> runs no
/// check (the process serves requests); <c>/health/ready</c> runs the checks tagged <see cref="Ready"/> and answers 503
/// with <c>Retry-After</c> while any is unhealthy. Both are anonymous and say nothing about tenants' data.
/// </summary>
public static class HealthEndpoints
{
    public const string Ready = "ready";
    public const string ReadyTag = Ready;

    public static IServiceCollection AddTracingHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReachableCheck>("database", tags: [Ready])
            .AddCheck<ProjectionLagCheck>("projection_lag", tags: [Ready])
            .AddProjectionShardsCheck();
        return services;
    }

    public static void MapTracingHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync })
            .ExcludeFromDescription();
        // The original probe, kept for existing deployments: liveness.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .ExcludeFromDescription();
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        if (report.Status != HealthStatus.Healthy)
            http.Response.Headers.RetryAfter = StoreOutageHandler.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = Name(report.Status),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = Name(e.Value.Status),
                description = e.Value.Description,
                duration_ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return http.Response.WriteAsJsonAsync(body, Json);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static string Name(HealthStatus s) => s switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
