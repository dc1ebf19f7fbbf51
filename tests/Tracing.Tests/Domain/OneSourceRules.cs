using System.Text.Json;
using JasperFx;
using Marten;
using Tracing.Api.Live;
using Tracing.Domain.Events;
using Tracing.Domain.Incidents;
using Tracing.Domain.Sessions;
using Tracing.Projections.Incidents;
using Weasel.Core;
using Xunit;

namespace Tracing.Tests.Domain;

/// <summary>Each fact read in one place (issue 11, item 3): a rename breaks these, not production silently.</summary>
public sealed class OneSourceRules
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    [Fact]
    public void every_field_an_incident_message_sends_is_a_field_of_the_stored_event()
    {
        var opts = new StoreOptions();
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.SnakeCase); // as StoreSetup stores events
        var samples = new Dictionary<string, object>
        {
            [IncidentStoreSetup.StatusChangedAlias] = new IncidentStatusChanged("i", "p", "resolved", "open", "a", T0),
            [IncidentStoreSetup.OwnerChangedAlias] = new IncidentOwnerChanged("i", "p", "o", null, "a", T0),
            [IncidentStoreSetup.FixDispatchedAlias] = new FixAgentDispatched("i", "p", "d", "a", T0),
            [IncidentStoreSetup.FixProposedAlias] = new FixProposed("i", "p", "d", "model", null, "plan", "diff", "sha", "a", T0),
            [IncidentStoreSetup.RegressedAlias] = new IncidentRegressed("i", "p", "s", "a", T0),
        };
        Assert.Equal(samples.Keys.Order(), IncidentMessages.ByEventType.Keys.Order());
        foreach (var (alias, (_, fields)) in IncidentMessages.ByEventType)
        {
            using var stored = JsonDocument.Parse(opts.Serializer().ToJson(samples[alias]));
            foreach (var field in fields) Assert.True(stored.RootElement.TryGetProperty(field, out _), $"{alias} has no field {field}");
        }
        Assert.Equal(["status", "previous_status", "actor", "at"], IncidentMessages.ByEventType[IncidentStoreSetup.StatusChangedAlias].Fields);
    }

    [Theory]
    [InlineData("ok", "ended")]
    [InlineData("cancelled", "ended")]
    [InlineData("error", "failed")]
    public void the_ended_statuses_the_payload_rules_accept_are_the_ones_the_session_status_reads(string ended, string status)
    {
        using var payload = JsonDocument.Parse($"{{\"status\":\"{ended}\"}}");
        Assert.Contains(ended, SessionEnd.Statuses);
        Assert.Null(PayloadRules.Check(EventTypes.SessionEnded, payload.RootElement));
        Assert.Equal(status, SessionEnd.SessionStatusAfter(payload.RootElement));
        Assert.Equal(3, SessionEnd.Statuses.Count);
        using var bad = JsonDocument.Parse("{\"status\":\"done\"}");
        Assert.Equal("payload.status must be one of: cancelled, error, ok", PayloadRules.Check(EventTypes.SessionEnded, bad.RootElement));
    }
}
