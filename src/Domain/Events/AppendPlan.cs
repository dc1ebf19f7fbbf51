namespace Tracing.Domain.Events;

/// <summary>What the store says about one candidate of a set-based append (ADR 0027).</summary>
/// <param name="Ordinal">The candidate's position in <see cref="AppendPlan.Candidates"/> (request indexes repeat: a
/// span's events share its index).</param>
/// <param name="Verdict"><see cref="AppendPlan.Accepted"/>, <see cref="AppendPlan.Duplicate"/>,
/// <see cref="AppendPlan.KeyConflict"/> or <see cref="AppendPlan.NotMonotonic"/>.</param>
/// <param name="Seq">The seq it was stored at (assigned by the store for server-sequenced events).</param>
/// <param name="LastSeq">The session's last accepted seq before this append.</param>
/// <param name="StoredHash">The content hash already stored under its key, if any.</param>
public sealed record StoreVerdict(int Ordinal, char Verdict, long Seq, long LastSeq, string? StoredHash);

/// <summary>
/// The batch-only half of <see cref="AppendDecision"/>, pure: the first event of each idempotency key is a candidate
/// that the store judges in one statement (stored key, last seq, one event per seq); later copies of a key in the same
/// request are repeats, settled here against the first copy (or what is stored under the key). <see cref="Resolve"/>
/// turns the store's verdicts into the same <see cref="AppendOutcome"/> the decision gives.
/// </summary>
public sealed class AppendPlan
{
    public const char Accepted = 'A', Duplicate = 'D', KeyConflict = 'K', NotMonotonic = 'M';

    private readonly List<(IncomingEvent Repeat, int First)> _repeats = [];
    private readonly IReadOnlyList<Rejection> _invalid;

    /// <summary>Distinct keys; by (seq, index) for client seqs, in the order given when the server assigns seqs.</summary>
    public List<IncomingEvent> Candidates { get; } = [];

    /// <summary>True when the store assigns the seqs (after the session's last one, in candidate order).</summary>
    public bool AtNext { get; }

    private AppendPlan(IEnumerable<IncomingEvent> ordered, IReadOnlyList<Rejection> invalid, bool atNext)
    {
        _invalid = invalid;
        AtNext = atNext;
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in ordered)
        {
            if (first.TryGetValue(e.IdempotencyKey, out var earlier)) _repeats.Add((e, earlier));
            else { first[e.IdempotencyKey] = Candidates.Count; Candidates.Add(e); }
        }
    }

    public static AppendPlan WithSeqs(IReadOnlyList<IncomingEvent> valid, IReadOnlyList<Rejection> invalid) =>
        new(valid.OrderBy(e => e.Seq).ThenBy(e => e.Index), invalid, atNext: false);

    public static AppendPlan AtNextSeqs(IReadOnlyList<IncomingEvent> unsequenced) => new(unsequenced, [], atNext: true);

    public AppendOutcome Resolve(long lastSeq, IReadOnlyList<StoreVerdict> verdicts)
    {
        var byOrdinal = new StoreVerdict[Candidates.Count];
        foreach (var v in verdicts) byOrdinal[v.Ordinal] = v;
        var accepted = new List<IncomingEvent>();
        var rejected = new List<Rejection>(_invalid);
        var duplicates = 0;
        for (var i = 0; i < Candidates.Count; i++)
        {
            var (c, v) = (Candidates[i], byOrdinal[i]);
            switch (v.Verdict)
            {
                case Accepted: accepted.Add(c with { Seq = v.Seq }); break;
                case Duplicate: duplicates++; break;
                case KeyConflict: rejected.Add(Conflict(c, AppendDecision.KeyConflict)); break;
                default: rejected.Add(Conflict(c, AppendDecision.NotMonotonic)); break;
            }
        }
        // A repeat is the same event as its key's first copy (or the stored one) when the content hashes match; the
        // native hash covers the seq, the server-sequenced one leaves it out, so the comparison is the same rule.
        foreach (var (repeat, first) in _repeats)
        {
            var judged = byOrdinal[first];
            if (judged.Verdict == NotMonotonic) { rejected.Add(Conflict(repeat, AppendDecision.NotMonotonic)); continue; }
            var earlier = judged.StoredHash ?? Candidates[first].ContentHash;
            if (earlier == repeat.ContentHash) duplicates++;
            else rejected.Add(Conflict(repeat, AppendDecision.KeyConflict));
        }

        accepted.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        var gaps = 0;
        foreach (var e in accepted)
        {
            if (e.Seq > lastSeq + 1) gaps++;
            lastSeq = e.Seq;
        }
        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new AppendOutcome(accepted, duplicates, rejected, lastSeq, gaps);
    }

    private static Rejection Conflict(IncomingEvent e, string reason) =>
        new(e.Index, e.IdempotencyKey, e.Seq, Rejection.Conflict, reason);
}
