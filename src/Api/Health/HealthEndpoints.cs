using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tracing.Api.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no checks). <c>/health/ready</c>: every check tagged "ready"; 503 while
/// any is unhealthy, with each check's status in a JSON body. Both anonymous, outside the OpenAPI document.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static void MapTracingHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().ExcludeFromDescription();
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        }, cancellationToken: http.RequestAborted);
    }
}
