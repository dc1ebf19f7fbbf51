using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tracing.Api.Infrastructure;
using Tracing.Projections.Observability;

namespace Tracing.Api.Observability;

/// <summary>
/// Tracing's own telemetry through OpenTelemetry (ADR 0022): our meter, ASP.NET Core's request duration by route,
/// Npgsql, Wolverine and Marten meters; a Prometheus scrape endpoint at <c>/metrics</c> for loopback callers and
/// configured networks; traces and metrics over OTLP when <c>Tracing:Telemetry:OtlpEndpoint</c> is set.
/// </summary>
public static class ObservabilitySetup
{
    public const string MetricsPath = "/metrics";
    private static readonly string[] ForeignMeters = ["Wolverine*", "Marten*"]; // Wolverine names its meter "Wolverine:<service>"
    private static readonly string[] ForeignSources = ["Wolverine", "Marten"];

    public static WebApplicationBuilder AddTracingObservability(this WebApplicationBuilder builder)
    {
        var metrics = builder.Configuration.GetSection("Tracing:Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        var telemetry = builder.Configuration.GetSection("Tracing:Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(MetricsAccess.Parse(metrics.AllowedNetworks));
        var exportOtlp = !string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint);
        if (!metrics.Enabled && !exportOtlp) return builder;

        builder.Services.AddHostedService<ProjectionLagMonitor>();
        var otel = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(telemetry.ServiceName));
        otel.WithMetrics(m =>
        {
            m.AddMeter(TracingMeter.Name).AddMeter(ForeignMeters).AddAspNetCoreInstrumentation().AddNpgsqlInstrumentation();
            if (metrics.Enabled) m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = metrics.ScrapeCacheMilliseconds);
            if (exportOtlp) m.AddOtlpExporter(o => Otlp(o, telemetry, "v1/metrics"));
        });
        if (exportOtlp)
            otel.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpRequest = (activity, request) =>
                    // Tickets and link signatures travel in query strings: never export them (docs/security.md).
                    activity.SetTag("url.query", RequestLog.Redact(request.Query)))
                .AddNpgsql()
                .AddSource(ForeignSources)
                .AddOtlpExporter(o => Otlp(o, telemetry, "v1/traces")));
        return builder;
    }

    public static WebApplication MapTracingMetrics(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<MetricsOptions>().Enabled) return app;
        var allowed = app.Services.GetRequiredService<IReadOnlyList<System.Net.IPNetwork>>();
        app.UseWhen(ctx => ctx.Request.Path.Equals(MetricsPath, StringComparison.OrdinalIgnoreCase), branch => branch.Use(async (ctx, next) =>
        {
            if (MetricsAccess.Allows(ctx.Connection.RemoteIpAddress, allowed)) await next(ctx);
            else await Problems.Forbidden("Metrics are served to loopback callers and the networks in Tracing:Metrics:AllowedNetworks.").ExecuteAsync(ctx);
        }));
        app.MapPrometheusScrapingEndpoint(MetricsPath).ExcludeFromDescription();
        return app;
    }

    private static void Otlp(OtlpExporterOptions o, TelemetryOptions t, string signalPath)
    {
        var grpc = t.OtlpProtocol.Equals("grpc", StringComparison.OrdinalIgnoreCase);
        o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        var baseUrl = t.OtlpEndpoint!.TrimEnd('/');
        // Set in code, the HTTP exporter posts to the endpoint as given: add the signal's path like the SDK's variable does.
        o.Endpoint = new Uri(grpc ? baseUrl : $"{baseUrl}/{signalPath}");
        if (!string.IsNullOrWhiteSpace(t.OtlpHeaders)) o.Headers = t.OtlpHeaders;
    }
}
