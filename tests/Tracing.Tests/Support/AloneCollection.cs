using Xunit;

namespace Tracing.Tests.Support;

/// <summary>
/// Tests that must not run beside the parallel collections: xunit runs this collection on its own. Here: tests that
/// assert exact deltas of process-wide counters (metrics).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
