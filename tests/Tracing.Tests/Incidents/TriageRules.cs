using System.Text.Json;
using Tracing.Domain.Incidents;
using Tracing.Domain.Regression;
using Xunit;

namespace Tracing.Tests.Incidents;

public sealed class TriageRules
{
    private static (IncidentPatch?, IncidentPatch.Problem?) Parse(string json) => IncidentPatch.Parse(JsonDocument.Parse(json).RootElement);

    [Theory]
    [InlineData("{\"status\":\"closed\"}", "status")]
    [InlineData("{\"status\":null}", "status")]
    [InlineData("{\"owner\":42}", "owner")]
    [InlineData("{\"owner\":\"  \"}", "owner")]
    [InlineData("{\"title\":\"x\"}", "title")]
    [InlineData("[]", "$")]
    public void bad_patches_name_the_field(string json, string field) => Assert.Equal(field, Parse(json).Item2!.Field);

    [Fact]
    public void a_patch_decides_only_the_changes_as_events()
    {
        var now = DateTimeOffset.Parse("2025-01-01T00:00:00Z");
        var (patch, _) = Parse("{\"status\":\"resolved\",\"owner\":null}");
        var events = IncidentTriageDecision.Decide("inc_1", "p", "open", "alice", patch!, "key:k", now);
        Assert.Equal([new IncidentStatusChanged("inc_1", "p", "resolved", "open", "key:k", now),
            new IncidentOwnerChanged("inc_1", "p", null, "alice", "key:k", now)], events);
        Assert.Empty(IncidentTriageDecision.Decide("inc_1", "p", "resolved", null, patch!, "key:k", now));
        Assert.Empty(IncidentTriageDecision.Decide("inc_1", "p", "open", null, Parse("{}").Item1!, "key:k", now));
    }

    [Fact]
    public void the_verdict_follows_the_rules()
    {
        SessionReplay R(string phase, bool? reproduced) => new("s", phase, reproduced, null, 0, reproduced is null ? "session_not_found" : null);
        var before = R(RegressionPhase.Before, true);
        Assert.Equal("fixed", RegressionVerdict.Decide([before, R("after", false), R("after", false)], 2).Verdict);
        Assert.Equal("not_fixed", RegressionVerdict.Decide([before, R("after", true)], 2).Verdict);
        Assert.Equal(("inconclusive", "too_few_after_sessions"),
            RegressionVerdict.Decide([before, R("after", false), R("after", null)], 2) is var v ? (v.Verdict, v.Reason) : default);
        Assert.Equal("not_reproduced_before",
            RegressionVerdict.Decide([R("before", false), R("after", false), R("after", false)], 2).Reason);
        Assert.Equal(new PhaseCounts(2, 0), RegressionVerdict.Decide([before, R("after", false), R("after", false)], 2).After);
    }

    [Fact]
    public void incident_ids_are_stable_per_project_and_fingerprint()
    {
        Assert.Equal(IncidentIds.For("web", "0123456789abcdef"), IncidentIds.For("web", "0123456789abcdef"));
        Assert.NotEqual(IncidentIds.For("web", "0123456789abcdef"), IncidentIds.For("api", "0123456789abcdef"));
        Assert.True(IncidentIds.IsValid(IncidentIds.For("web", "0123456789abcdef")));
        Assert.Equal("web/~incident/inc_x", IncidentIds.StreamKey("web", "inc_x"));
    }
}
