using Tracing.Api.Access;
using Tracing.Api.Limits;

namespace Tracing.Api.Otlp;

/// <summary>OTLP/HTTP trace ingest: registration and routes (docs/otlp.md, ADR 0010).</summary>
public static class OtlpSetup
{
    public static IServiceCollection AddTracingOtlp(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(OtlpOptions.From(config));
        services.AddSingleton<OtlpSessions>();
        return services;
    }

    /// <summary>
    /// The specification's path, so an SDK with only OTEL_EXPORTER_OTLP_ENDPOINT set reaches it, and the same handler
    /// under /otel for deployments that route by prefix. Same auth, rate limits and backpressure as the native ingest.
    /// </summary>
    public static void MapTracingOtlp(this WebApplication app)
    {
        foreach (var path in new[] { "/v1/traces", "/otel/v1/traces" })
            app.MapPost(path, ExportTracesEndpoint.Handle)
                .RequireAuthorization(AccessSetup.Write).RequireIngestLimits()
                .WithName(path == "/v1/traces" ? "ExportTraces" : "ExportTracesOtel").WithTags("Ingestion")
                .WithSummary("OTLP/HTTP trace export (protobuf or JSON, gzip): spans become session events")
                .WithDescription("Body: ExportTraceServiceRequest as application/x-protobuf or application/json (OTLP JSON: hex ids). " +
                                 "Answer: ExportTraceServiceResponse in the same encoding, partial_success when spans were refused. " +
                                 "Mapping: docs/otlp.md.")
                .Accepts<byte[]>(OtlpBody.Protobuf, OtlpBody.Json)
                .Produces(200, contentType: OtlpBody.Protobuf, additionalContentTypes: OtlpBody.Json)
                .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(413).ProducesProblem(415)
                .ProducesProblem(503);
    }
}
