using Tracing.Domain.Audit;
using Tracing.Domain.Regression;
using Wolverine;
using Wolverine.Marten;

namespace Tracing.Workers.Incidents;

/// <summary>Store a requested regression run with its audit entry and queue its <see cref="RunRegression"/> message.</summary>
public sealed record StartRegressionRun(RegressionRun Run, AuditEntry Audit);

/// <summary>The run, its audit entry and the message commit together (Wolverine's transaction and Marten outbox).</summary>
public static class StartRegressionRunHandler
{
    public static (IMartenOp, IMartenOp, OutgoingMessages) Handle(StartRegressionRun cmd) =>
        (MartenOps.Store(cmd.Run), MartenOps.Store(cmd.Audit), [new RunRegression(cmd.Run.WorkspaceId, cmd.Run.Id)]);
}
