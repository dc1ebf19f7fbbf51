using Npgsql;
using Tracing.Domain.Fleet;
using Tracing.Projections.Fleet;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// What a projection writes besides the documents Marten can name from its registration: plain tables it creates
/// itself, and documents it stores through the session. A blue/green rebuild must create these in the green schema and
/// swap them with the served ones, or the green copy would write into (and its teardown would empty) the served tables.
/// </summary>
public sealed record OwnedTables(string Projection, IReadOnlyList<string> Tables, IReadOnlyList<Type> DocumentTypes,
    Func<NpgsqlDataSource, string, CancellationToken, Task> EnsureAsync)
{
    /// <summary>Every projection that owns such storage; the registered-projections test fails if one is left out.</summary>
    public static readonly IReadOnlyList<OwnedTables> All =
    [
        new(FleetProjection.ProjectionName, FleetTables.All, [typeof(FleetSession)], FleetTables.EnsureAsync),
    ];

    public static OwnedTables? For(string projection) =>
        All.FirstOrDefault(o => string.Equals(o.Projection, projection, StringComparison.OrdinalIgnoreCase));
}
