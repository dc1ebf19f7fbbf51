namespace Tracing.Projections.Rebuilds;

/// <summary>
/// Marks a single-stream projection whose green copy a blue/green rebuild replays straight from the event log (ADR 0039)
/// instead of through Marten's rebuild: its source-generated evolver applied to pages read, parsed and written in
/// overlapping steps. Only for projections that just create and apply (no deletes, no side effects, no metadata
/// hooks); the rebuild tests compare every marked projection's replay with Marten's own, row by row.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReplayFromLogAttribute : Attribute;
