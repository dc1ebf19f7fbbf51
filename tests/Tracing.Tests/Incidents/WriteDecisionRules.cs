using System.Text.Json;
using Tracing.Domain.Analysis;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;
using Tracing.Workers.Incidents;
using Xunit;

namespace Tracing.Tests.Incidents;

/// <summary>The pure decisions of the Wolverine write commands, without a host or a database.</summary>
public sealed class WriteDecisionRules
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
    private const string Key = "p/~incident/inc_1";

    private static IncidentPatch Patch(string json) => IncidentPatch.Parse(JsonDocument.Parse(json).RootElement).Patch!;

    private static TriageIncident Triage(string json, string ifMatch = "") => new("ws", "p", "inc_1", Patch(json), ifMatch, "key:k", "req");

    private static IncidentTriage Fold(params object[] events)
    {
        var t = IncidentTriage.Start(Key, "inc_1", "p");
        var v = 0L;
        foreach (var e in events) t.Apply(e, ++v);
        return t;
    }

    [Fact]
    public void triage_records_the_changes_with_an_audit_entry_and_answers_with_the_state_after_them()
    {
        var (outcome, events, audit) = TriageIncidentHandler.Decide(Triage("{\"status\":\"resolved\",\"owner\":\"alice\"}", "\"0-0\""), null, T0);
        Assert.False(outcome.Stale);
        Assert.Equal([new IncidentStatusChanged("inc_1", "p", "resolved", "open", "key:k", T0),
            new IncidentOwnerChanged("inc_1", "p", "alice", null, "key:k", T0)], events);
        Assert.Equal(("resolved", "alice", 2L, T0), (outcome.Triage.Status, outcome.Triage.Owner, outcome.Triage.Version, outcome.Triage.ResolvedAt));
        Assert.Equal(AuditActions.IncidentUpdated, audit!.Action);
        Assert.Equal("req", audit.RequestId);
        Assert.Equal("{\"status\":\"resolved\",\"owner\":\"alice\"}", audit.After!.Value.GetRawText());
    }

    [Fact]
    public void triage_leaves_the_loaded_write_model_alone_and_a_no_op_records_nothing()
    {
        var loaded = Fold(new IncidentOwnerChanged("inc_1", "p", "bob", null, "key:k", T0));
        var (changed, _, _) = TriageIncidentHandler.Decide(Triage("{\"owner\":\"alice\"}"), loaded, T0.AddMinutes(1));
        Assert.Equal(("alice", 2L), (changed.Triage.Owner, changed.Triage.Version));
        Assert.Equal(("bob", 1L), (loaded.Owner, loaded.Version));

        var (same, events, audit) = TriageIncidentHandler.Decide(Triage("{\"owner\":\"bob\"}"), loaded, T0);
        Assert.Empty(events);
        Assert.Null(audit);
        Assert.Same(loaded.Owner, same.Triage.Owner);
    }

    [Fact]
    public void a_regression_reopen_is_part_of_the_etag_so_a_resolve_based_on_an_older_read_is_stale()
    {
        var reopened = Fold(new IncidentStatusChanged("inc_1", "p", "resolved", "open", "key:k", T0),
            new IncidentRegressed("inc_1", "p", "s2", "system", T0.AddHours(1)));
        Assert.Equal(("open", true, 1L, 1), (reopened.Status, reopened.Regressed, reopened.UserVersion, reopened.Reopens));

        var (stale, events, _) = TriageIncidentHandler.Decide(Triage("{\"status\":\"resolved\"}", "\"1-0\""), reopened, T0);
        Assert.True(stale.Stale);
        Assert.Empty(events);

        var (fresh, again, _) = TriageIncidentHandler.Decide(Triage("{\"status\":\"resolved\"}", "\"1-1\""), reopened, T0.AddHours(2));
        Assert.False(fresh.Stale);
        Assert.Single(again);
        Assert.False(fresh.Triage.Regressed);
        Assert.Equal(ETags.For(2, 1), ETags.For(fresh.Triage.UserVersion, fresh.Triage.Reopens));
    }

    [Fact]
    public void a_fix_dispatch_joins_a_fresh_pending_one_and_replaces_a_stale_one()
    {
        var cmd = new DispatchFixAgent("ws", "p", "inc_1", "key:k", "req", TimeSpan.FromMinutes(10), [1, 2, 3, 4, 5]);
        var (first, events, audit, message) = DispatchFixAgentHandler.Decide(cmd, null, T0);
        Assert.False(first.Joined);
        Assert.StartsWith("fix_", first.DispatchId);
        Assert.Equal([new FixAgentDispatched("inc_1", "p", first.DispatchId, "key:k", T0)], events);
        Assert.Equal(new ProposeFix("ws", "p", "inc_1", first.DispatchId), message);
        Assert.Equal(AuditActions.FixAgentDispatched, audit!.Action);

        var pending = Fold(events.ToArray());
        var (joined, none, noAudit, noMessage) = DispatchFixAgentHandler.Decide(cmd, pending, T0.AddMinutes(9));
        Assert.Equal((first.DispatchId, true), (joined.DispatchId, joined.Joined));
        Assert.Empty(none);
        Assert.Null(noAudit);
        Assert.Null(noMessage);

        var (replaced, more, _, _) = DispatchFixAgentHandler.Decide(cmd, pending, T0.AddMinutes(11));
        Assert.False(replaced.Joined);
        Assert.Single(more);
    }

    [Fact]
    public void a_fix_proposal_is_recorded_once_per_pending_dispatch()
    {
        var cmd = new RecordFixProposal("p", "inc_1", "fix_1", "fallback", "model_not_configured", "plan", "diff", "sha");
        Assert.Empty(RecordFixProposalHandler.Decide(cmd, null, T0).Events);
        var pending = Fold(new FixAgentDispatched("inc_1", "p", "fix_1", "key:k", T0));
        var (events, audit) = RecordFixProposalHandler.Decide(cmd, pending, T0.AddSeconds(1));
        Assert.Equal([new FixProposed("inc_1", "p", "fix_1", "fallback", "model_not_configured", "plan", "diff", "sha", FixAgentRunner.Actor,
            T0.AddSeconds(1))], events);
        Assert.Equal(AuditActions.FixProposed, audit!.Action);

        var answered = Fold(new FixAgentDispatched("inc_1", "p", "fix_1", "key:k", T0), events[0]);
        Assert.Empty(RecordFixProposalHandler.Decide(cmd, answered, T0.AddSeconds(2)).Events); // a redelivery
        Assert.Equal(("proposed", "key:k"), (answered.FixProposal!.Status, answered.FixProposal.RequestedBy));
    }

    [Fact]
    public void only_a_fingerprint_new_to_the_session_reopens_and_only_a_resolved_incident()
    {
        Assert.Equal(["b", "c"], IncidentRegression.NewToSession(["a", "b", "b", "c"], ["a", "x"]));
        Assert.Empty(IncidentRegression.NewToSession(["a"], ["a"]));
        Assert.Equal(new IncidentRegressed("inc_1", "p", "s2", "system", T0),
            IncidentRegression.Decide("inc_1", "p", IncidentStatus.Resolved, "s2", "system", T0));
        foreach (var status in new[] { IncidentStatus.Open, IncidentStatus.Acknowledged, IncidentStatus.Ignored, null })
            Assert.Null(IncidentRegression.Decide("inc_1", "p", status, "s2", "system", T0));
    }
}
