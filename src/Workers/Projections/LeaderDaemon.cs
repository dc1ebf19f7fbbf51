using JasperFx.Events.Daemon;


namespace Tracing.Workers.Projections;

/// <summary>
/// This node's projection daemon when it holds projection leadership (HotCold: one leader among all nodes), else null.
/// Only the leader's daemon runs agents, so "has agents" is the leadership test the rest of the node uses.
/// </summary>
public sealed class LeaderDaemon(Marten.Events.Daemon.Coordination.IProjectionCoordinator coordinator)
{
    /// <summary>Identifies this process among the nodes (recorded on the rebuild it executes).</summary>
    public string NodeId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    public IProjectionDaemon? Current()
    {
        var daemon = coordinator.DaemonForMainDatabase();
        return daemon.CurrentAgents().Count > 0 ? daemon : null;
    }
}
