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

    /// <summary>
    /// The same rule for events whose seq the server assigns (OTLP spans): events already stored under their key are
    /// duplicates when their content matches (the content hash leaves the seq out, since a retry gets new seqs) and
    /// conflicts otherwise; the rest get seqs after <paramref name="lastSeq"/> in the order given.
    /// </summary>
    public static AppendOutcome DecideAtNext(
        long lastSeq,
        IReadOnlyList<IncomingEvent> unsequenced,
        IReadOnlyDictionary<string, StoredKey> stored)
    {
        var sequenced = new List<IncomingEvent>(unsequenced.Count);
        var rejected = new List<Rejection>();
        var firstInBatch = new Dictionary<string, IncomingEvent>(StringComparer.Ordinal);
        var duplicates = 0;
        var next = lastSeq;
        foreach (var e in unsequenced)
        {
            var earlier = stored.TryGetValue(e.IdempotencyKey, out var s) ? s.ContentHash
                : firstInBatch.TryGetValue(e.IdempotencyKey, out var b) ? b.ContentHash : null;
            if (earlier is not null)
            {
                if (earlier == e.ContentHash) duplicates++;
                else rejected.Add(Conflict(e, KeyConflict));
                continue;
            }
            var placed = e with { Seq = ++next };
            firstInBatch[e.IdempotencyKey] = placed;
            sequenced.Add(placed);
        }
        var outcome = Decide(lastSeq, sequenced, rejected, NoKeys);
        return outcome with { Duplicates = outcome.Duplicates + duplicates };
    }

    private static readonly IReadOnlyDictionary<string, StoredKey> NoKeys = new Dictionary<string, StoredKey>();

    private static Rejection Conflict(IncomingEvent e, string reason) =>
        new(e.Index, e.IdempotencyKey, e.Seq, Rejection.Conflict, reason);
}
