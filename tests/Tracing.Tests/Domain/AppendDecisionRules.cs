using System.Text.Json;
using Tracing.Domain.Events;
using Xunit;

namespace Tracing.Tests.Domain;

/// <summary>The pure ingest rule, without a host.</summary>
public sealed class AppendDecisionRules
{
    private static IncomingEvent E(int index, long seq, string? key = null, string payload = "{}")
    {
        var p = JsonDocument.Parse(payload).RootElement.Clone();
        return new IncomingEvent(index, seq, key ?? $"s:{seq}", "log", null, null, null, p, EventIdentity.ContentHash(seq, "log", p));
    }

    [Fact]
    public void a_batch_is_ordered_by_seq_and_gaps_are_counted()
    {
        var outcome = AppendDecision.Decide(0, [E(0, 5), E(1, 1), E(2, 2)], [], new Dictionary<string, StoredKey>());
        Assert.Equal([1L, 2L, 5L], outcome.Accepted.Select(e => e.Seq));
        Assert.Equal(1, outcome.GapsAdded);
        Assert.Equal(5, outcome.LastSeq);
    }

    [Fact]
    public void a_stored_key_with_the_same_content_is_a_duplicate_and_with_other_content_a_conflict()
    {
        var same = E(0, 3);
        var stored = new Dictionary<string, StoredKey> { ["s:3"] = new("s:3", 3, same.ContentHash) };
        Assert.Equal(1, AppendDecision.Decide(3, [same], [], stored).Duplicates);

        var changed = E(0, 3, payload: """{"x":1}""");
        var outcome = AppendDecision.Decide(3, [changed], [], stored);
        Assert.Equal(AppendDecision.KeyConflict, Assert.Single(outcome.Rejected).Reason);
    }

    [Fact]
    public void a_seq_at_or_below_the_last_is_rejected_as_not_monotonic_and_rejections_keep_request_order()
    {
        var invalid = new Rejection(1, null, null, Rejection.Invalid, "bad");
        var outcome = AppendDecision.Decide(10, [E(2, 10), E(0, 11)], [invalid], new Dictionary<string, StoredKey>());
        Assert.Equal([1, 2], outcome.Rejected.Select(r => r.Index));
        Assert.Equal(AppendDecision.NotMonotonic, outcome.Rejected[1].Reason);
        Assert.Equal(11, outcome.LastSeq);
    }

    [Fact]
    public void whitespace_does_not_change_the_content_hash_but_values_do()
    {
        var a = JsonDocument.Parse("""{ "a" : 1 }""").RootElement;
        var b = JsonDocument.Parse("""{"a":1}""").RootElement;
        var c = JsonDocument.Parse("""{"a":2}""").RootElement;
        Assert.Equal(EventIdentity.ContentHash(1, "log", a), EventIdentity.ContentHash(1, "log", b));
        Assert.NotEqual(EventIdentity.ContentHash(1, "log", a), EventIdentity.ContentHash(1, "log", c));
        Assert.NotEqual(EventIdentity.EventId("w1", "p/s", "k"), EventIdentity.EventId("w2", "p/s", "k"));
    }
}
