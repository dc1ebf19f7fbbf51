using System.Diagnostics.Metrics;

namespace Tracing.Projections.Observability;

/// <summary>
/// Tracing's own instruments, on one process-wide <see cref="Meter"/> named <see cref="Name"/> (the shape Npgsql and
/// Wolverine use), so any layer can record with one call and OpenTelemetry subscribes by name (ADR 0022).
/// Names follow OpenTelemetry's conventions: dotted, lower case, unit in the instrument, no unit suffix in the name.
/// </summary>
public static class TracingMeter
{
    public const string Name = "Tracing";
    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>Events offered to ingest, by <c>outcome</c> (accepted, duplicate, rejected) and, when rejected, <c>code</c>.</summary>
    public static readonly Counter<long> IngestEvents = Meter.CreateCounter<long>(
        "tracing.ingest.events", "{event}", "Events offered to ingest, by outcome (accepted, duplicate, rejected) and rejection code.");

    /// <summary>Requests answered 429 because the read models trail the log (ingest backpressure).</summary>
    public static readonly Counter<long> BackpressureRejections = Meter.CreateCounter<long>(
        "tracing.backpressure.rejections", "{request}", "Ingest requests refused with 429 while projections catch up.");

    /// <summary>Live-stream connections cut off because the client fell behind its bounded buffer.</summary>
    public static readonly Counter<long> StreamDroppedConsumers = Meter.CreateCounter<long>(
        "tracing.stream.dropped_consumers", "{connection}", "SSE connections cut off as slow consumers (they resume by Last-Event-ID).");

    public static void RecordIngest(int accepted, int duplicates, IEnumerable<string> rejectionCodes)
    {
        if (accepted > 0) IngestEvents.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        if (duplicates > 0) IngestEvents.Add(duplicates, new KeyValuePair<string, object?>("outcome", "duplicate"));
        foreach (var code in rejectionCodes)
            IngestEvents.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"), new KeyValuePair<string, object?>("code", code));
    }
}
