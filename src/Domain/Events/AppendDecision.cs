namespace Tracing.Domain.Events;

/// <summary>What the store already holds under one idempotency key of the request.</summary>
public sealed record StoredKey(string IdempotencyKey, long Seq, string ContentHash);

public sealed record AppendOutcome(
    IReadOnlyList<IncomingEvent> Accepted,
    int Duplicates,
    IReadOnlyList<Rejection> Rejected,
    long LastSeq,
    int GapsAdded);

/// <summary>
/// The ingest rule, pure: orders a batch by seq and decides, per event, accept / duplicate / reject
/// against the session's last accepted seq and what is already stored under the same keys.
/// </summary>
public static class AppendDecision
{
    public const string NotMonotonic = "seq must be monotonic for this session";
    public const string KeyConflict = "idempotency_key was already used for a different event (seq, type or payload differ)";

    public static AppendOutcome Decide(
        long lastSeq,
        IReadOnlyList<IncomingEvent> valid,
        IReadOnlyList<Rejection> invalid,
        IReadOnlyDictionary<string, StoredKey> stored)
    {
        var accepted = new List<IncomingEvent>();
        var rejected = new List<Rejection>(invalid);
        var seenInBatch = new Dictionary<string, IncomingEvent>(StringComparer.Ordinal);
        var duplicates = 0;
        var gaps = 0;

        foreach (var e in valid.OrderBy(e => e.Seq).ThenBy(e => e.Index))
        {
            if (stored.TryGetValue(e.IdempotencyKey, out var existing))
            {
                if (existing.Seq == e.Seq && existing.ContentHash == e.ContentHash) duplicates++;
                else rejected.Add(Conflict(e, KeyConflict));
                continue;
            }
            if (seenInBatch.TryGetValue(e.IdempotencyKey, out var earlier))
            {
                if (earlier.ContentHash == e.ContentHash) duplicates++;
                else rejected.Add(Conflict(e, KeyConflict));
                continue;
            }
            if (e.Seq <= lastSeq)
            {
                rejected.Add(Conflict(e, NotMonotonic));
                continue;
            }
            if (e.Seq > lastSeq + 1) gaps++;
            lastSeq = e.Seq;
            accepted.Add(e);
            seenInBatch[e.IdempotencyKey] = e;
        }

        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new AppendOutcome(accepted, duplicates, rejected, lastSeq, gaps);
    }

    private static Rejection Conflict(IncomingEvent e, string reason) =>
        new(e.Index, e.IdempotencyKey, e.Seq, Rejection.Conflict, reason);
}
