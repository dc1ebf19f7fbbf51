namespace Tracing.Projections.Rebuilds;

/// <summary>A green copy's replay from the event log up to the high-water mark (ADR 0039); reports what it did.</summary>
public interface ILogReplay
{
    string Projection { get; }

    Task<ReplayReport> RunAsync(CancellationToken ct);
}
