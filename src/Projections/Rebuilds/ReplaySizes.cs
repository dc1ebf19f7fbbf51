namespace Tracing.Projections.Rebuilds;

/// <summary>Sizes of a replay from the log: log positions per page, documents kept in memory between pages, pages read at once.</summary>
public sealed record ReplaySizes(int PageSize = GreenStore.ReplayBatchSize, int CachedDocuments = 100_000, int PagesInFlight = 2);
