using Marten;
using Tracing.Projections;
using Wolverine.Marten;

namespace Tracing.Workers.Databases;

public static class WolverineStorage
{
    /// <summary>
    /// Wolverine's outbox on the Marten store. With several databases (ADR 0031) Wolverine keeps envelope tables in each
    /// (a workspace's outgoing messages commit with its events) and needs a main one for node, leader and untenanted
    /// state: the main database, where the registry lives too.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression IntegrateTracingWithWolverine(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, TracingStoreSettings settings) =>
        settings.Databases.Count == 0
            ? marten.IntegrateWithWolverine()
            : marten.IntegrateWithWolverine(w => w.MainDatabaseConnectionString = settings.ConnectionString);
}
