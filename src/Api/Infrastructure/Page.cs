namespace Tracing.Api.Infrastructure;

/// <summary>One page of a cursor-paged list (sessions, incidents, audit entries): pass <see cref="NextCursor"/> back for the next.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, string? NextCursor);
