using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Rebuilds;

/// <summary>
/// Run alone: these tests start daemons on schemas of their own, and Marten's gap detection counts another schema's
/// leader transactions as possible gap fillers (docs/performance.md), which would stall the main suite's read models.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RebuildCollection
{
    public const string Name = "rebuilds";
}

[Collection(RebuildCollection.Name)]
public sealed class RebuildingWhileServing
{
    [Fact]
    public Task a_rebuild_of_every_projection_under_load_keeps_reads_complete_and_converges() =>
        RebuildScenario.RunAsync(AppFixture.Schema + "_rb1", nodeCount: 1);

    [Fact]
    public Task the_same_rebuild_across_two_nodes_runs_on_the_leader_only() =>
        RebuildScenario.RunAsync(AppFixture.Schema + "_rb2", nodeCount: 2);
}
