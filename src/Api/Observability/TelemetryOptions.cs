namespace Tracing.Api.Observability;

/// <summary><c>Tracing:Metrics</c>: the Prometheus scrape endpoint and the sampling of gauges that need a query.</summary>
public sealed class MetricsOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>CIDR networks allowed to scrape besides loopback (e.g. the Prometheus server's subnet).</summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>How often the per-shard projection lag is read from the database for the gauge.</summary>
    public int LagSampleSeconds { get; set; } = 5;

    /// <summary>How long a scrape's response is reused for concurrent scrapers (the exporter's cache; 0 = off).</summary>
    public int ScrapeCacheMilliseconds { get; set; } = 300;
}

/// <summary>
/// <c>Tracing:Telemetry</c>: where Tracing sends its own traces and metrics over OTLP. Off unless an endpoint is set
/// here; the standard <c>OTEL_EXPORTER_OTLP_*</c> variables are deliberately not read, because an agent's environment
/// on the same host usually points them at Tracing itself, and Tracing would then trace its own ingest (ADR 0022).
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>Base URL of an OTLP receiver (collector), e.g. http://collector:4318 (http/protobuf) or :4317 (grpc).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>http/protobuf</c> (default) or <c>grpc</c>.</summary>
    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>Extra export headers, <c>key=value</c> pairs separated by commas (the OTLP exporter's format).</summary>
    public string? OtlpHeaders { get; set; }

    public string ServiceName { get; set; } = "tracing";
}
