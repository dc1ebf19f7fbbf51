using JasperFx.Events.Daemon;

namespace Tracing.Workers.Projections;

/// <summary>
/// This node's projection daemon while it holds projection leadership (<see cref="ProjectionLeadership"/>), else
/// null: the leadership test the rest of the node uses (supervision, rebuilds).
/// </summary>
public sealed class LeaderDaemon
{
    private volatile IProjectionDaemon? _current;

    /// <summary>Identifies this process among the nodes (recorded on the rebuild it executes).</summary>
    public string NodeId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    public IProjectionDaemon? Current() => _current;

    internal void Set(IProjectionDaemon? daemon) => _current = daemon;
}
