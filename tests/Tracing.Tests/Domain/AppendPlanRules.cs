using System.Text.Json;
using Tracing.Domain.Events;
using Xunit;

namespace Tracing.Tests.Domain;

/// <summary>The batch-only half of the set-based append (ADR 0027): candidates, repeats, and the outcome from verdicts.</summary>
public sealed class AppendPlanRules
{
    [Fact]
    public void a_repeated_key_is_judged_against_its_first_copy_and_events_of_one_span_share_an_index()
    {
        // Two events of one span share index 0 (OTLP); the third repeats the first key with other content.
        var plan = AppendPlan.AtNextSeqs([Ev(0, "a", "h1"), Ev(0, "b", "h2"), Ev(1, "a", "h9")]);
        Assert.Equal(["a", "b"], plan.Candidates.Select(c => c.IdempotencyKey));

        var outcome = plan.Resolve(4, [new(0, AppendPlan.Accepted, 5, 4, null), new(1, AppendPlan.Duplicate, 0, 4, "h2")]);

        Assert.Equal([5L], outcome.Accepted.Select(e => e.Seq));
        Assert.Equal(1, outcome.Duplicates);
        Assert.Equal(AppendDecision.KeyConflict, Assert.Single(outcome.Rejected).Reason);
        Assert.Equal(5, outcome.LastSeq);
    }

    [Fact]
    public void client_seqs_are_judged_in_seq_order_and_a_repeat_of_a_stale_event_is_stale_too()
    {
        var plan = AppendPlan.WithSeqs([Ev(0, "k3", "h3", 3), Ev(1, "k1", "h1", 1), Ev(2, "k1", "h1", 1)], []);
        Assert.Equal(["k1", "k3"], plan.Candidates.Select(c => c.IdempotencyKey));

        var outcome = plan.Resolve(2, [new(0, AppendPlan.NotMonotonic, 1, 2, null), new(1, AppendPlan.Accepted, 3, 2, null)]);

        Assert.Equal([3L], outcome.Accepted.Select(e => e.Seq));
        Assert.Equal([1, 2], outcome.Rejected.Select(r => r.Index));
        Assert.All(outcome.Rejected, r => Assert.Equal(AppendDecision.NotMonotonic, r.Reason));
    }

    private static IncomingEvent Ev(int index, string key, string hash, long seq = 0) =>
        new(index, seq, key, "log", null, null, null, JsonDocument.Parse("{}").RootElement, hash);
}
