using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Tests.Fleet;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Sessions;

/// <summary>
/// An erasure reaches every read model (ADR 0033): incident samples are scrubbed by an event that a rebuild honours,
/// and a session erased before the daemon folded it does not come back, in the session read models or in search and
/// stats.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ErasureReachesReadModels(AppFixture app)
{
    [Fact]
    public async Task an_erasure_scrubs_the_incidents_quoting_the_session_with_an_event_and_a_rebuild_brings_none_of_it_back()
    {
        var client = await app.NewClientAsync();
        var erased = "erased-" + Guid.NewGuid().ToString("N")[..12];
        var kept = "kept-" + Guid.NewGuid().ToString("N")[..12];
        // Quoted text is normalised out of the fingerprint: one incident, two summaries quoting different text.
        var s1 = await client.AnalysedSessionAsync(ToolFailure(message: $"timed out for \"{erased}\""));
        var s2 = await client.AnalysedSessionAsync(ToolFailure(message: $"timed out for \"{kept}\""));
        var solo = await client.AnalysedSessionAsync(Loop(tool: "solo_" + erased.Replace('-', '_')));
        var shared = (await client.IncidentForAsync(app, s1, "tool_error")).GetProperty("id").GetString()!;
        var alone = (await client.IncidentForAsync(app, solo, "loop")).GetProperty("id").GetString()!;
        var before = await client.WaitForIncidentAsync(app, shared, i => i.GetProperty("sessions_affected").GetInt32() == 2);
        Assert.Contains(erased, before.GetRawText()); // the first session gave the title and a sample: the check can fail

        var admin = app.ConsoleClient(client.Workspace, "admin", client.Project);
        Assert.Equal(204, (await admin.Send("DELETE", $"/api/traces/{s1}", null, "application/json")).Status);
        Assert.Equal(204, (await admin.Send("DELETE", $"/api/traces/{solo}", null, "application/json")).Status);

        async Task AssertScrubbedAsync(string when)
        {
            await app.WaitForProjectionsAsync();
            var incident = await client.Get($"/api/incidents/{shared}");
            Assert.True(incident.Status == 200, $"{when}: {incident.Text}");
            Assert.DoesNotContain(erased, incident.Text);
            Assert.DoesNotContain(s1, incident.Text);
            Assert.Contains(kept, incident.Text); // the other session's sample and title remain
            Assert.Equal(1, incident.Body.GetProperty("sessions_affected").GetInt32());
            Assert.Equal([s2], incident.Body.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("session_id").GetString()));
            Assert.Equal(404, (await client.Get($"/api/incidents/{alone}")).Status); // no session left: no incident
            var listed = await client.Get("/api/incidents");
            Assert.DoesNotContain(erased, listed.Text);
            Assert.DoesNotContain(alone, listed.Text);
            Assert.Empty(await Database.QueryAsync(
                $"select id from {AppFixture.Schema}.mt_doc_incident where tenant_id = $1 and data::text like '%' || $2 || '%'",
                r => r.GetString(0), client.Workspace, erased));
        }

        await AssertScrubbedAsync("incrementally");
        // The scrub is an event on each incident's own stream: ids only, never the erased text.
        var logged = await Database.QueryAsync(
            $"select stream_id, data->>'session_id', data::text from {AppFixture.Schema}.mt_events where tenant_id = $1 and type = 'incident_session_erased'",
            r => (Stream: r.GetString(0), Session: r.GetString(1), Data: r.GetString(2)), client.Workspace);
        Assert.Contains(logged, e => e.Session == s1 && e.Stream.EndsWith(shared, StringComparison.Ordinal));
        Assert.Contains(logged, e => e.Session == solo && e.Stream.EndsWith(alone, StringComparison.Ordinal));
        Assert.All(logged, e => Assert.DoesNotContain(erased, e.Data));

        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync("Incident", TimeSpan.FromMinutes(2), default);
        await AssertScrubbedAsync("after a rebuild");
    }

    [Fact]
    public async Task a_session_erased_right_after_its_append_leaves_nothing_in_any_read_model_search_and_stats_included()
    {
        var client = await app.NewClientAsync();
        var admin = app.ConsoleClient(client.Workspace, "admin", client.Project);
        await FleetScenario.CreateAsync(client, "kept-1", agent: "kept-agent");
        await app.WaitForProjectionsAsync();
        var statsBefore = (await client.Get("/api/stats?group_by=tool")).Text;

        var gone = new List<(string Id, string Marker)>();
        for (var round = 0; round < 5; round++)
        {
            // Erase at once: the daemon has at best started on these events when the erasure arrives.
            var marker = "agent" + Guid.NewGuid().ToString("N")[..12];
            var id = await FleetScenario.CreateAsync(client, "gone-" + Guid.NewGuid().ToString("N")[..12], agent: marker);
            gone.Add((id, marker));
            var erasure = await admin.Send("DELETE", $"/api/traces/{id}", null, "application/json");
            Assert.True(erasure.Status == 204, erasure.Text);
        }
        await app.WaitForProjectionsAsync();

        Assert.Equal(9, EventsByKey(await client.Get("/api/stats?group_by=agent"))["kept-agent"]);
        Assert.Equal(["kept-agent"], EventsByKey(await client.Get("/api/stats?group_by=agent")).Keys);
        Assert.Equal(9, EventsByKey(await client.Get("/api/stats?group_by=day")).Values.Sum());
        Assert.Equal(statsBefore, (await client.Get("/api/stats?group_by=tool")).Text); // every counter and latency bin as before
        var sessions = await client.Get("/api/sessions");
        Assert.Equal(["kept-1"], sessions.Body.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        foreach (var (id, marker) in gone)
        {
            Assert.Equal(404, (await client.Get($"/api/traces/{id}")).Status);
            var search = await FleetScenario.Search(client, new { filters = new[] { FleetScenario.F("session_id", "eq", id) } });
            Assert.True(search.Status == 200, search.Text);
            Assert.Empty(FleetScenario.Seqs(search));
            Assert.Empty(FleetScenario.Seqs(await FleetScenario.Search(client, new { filters = new[] { FleetScenario.F("agent", "eq", marker) } })));
            // Every row of every table of this workspace, read models and the log alike: the session's agent name is
            // nowhere, and its id only where the erasure is recorded (audit entry, incident erasure events).
            Assert.Empty(await RowsMentioningAsync(client.Workspace, marker));
            Assert.Empty(await RowsMentioningAsync(client.Workspace, id, "mt_doc_auditentry"));
        }
    }

    private static Dictionary<string, long> EventsByKey(Reply r) =>
        r.Body.GetProperty("data").EnumerateArray().ToDictionary(x => x.GetProperty("key").GetString()!, x => x.GetProperty("events").GetInt64());

    /// <summary>Tables (with a tenant column) whose rows of this workspace mention <paramref name="text"/>, leaving out
    /// <paramref name="exceptTable"/> and the incident erasure events (both name an erased session's id by design).</summary>
    private static async Task<List<string>> RowsMentioningAsync(string workspace, string text, string? exceptTable = null)
    {
        var tables = await Database.QueryAsync(
            "select table_name from information_schema.columns where table_schema = $1 and column_name = 'tenant_id'",
            r => r.GetString(0), AppFixture.Schema);
        var found = new List<string>();
        foreach (var t in tables)
        {
            var n = await Database.QueryAsync(
                $"select count(*) from {AppFixture.Schema}.{t} x where x.tenant_id = $1 and x::text like '%' || $2 || '%' " +
                (t == exceptTable ? "and false " : "") + (t == "mt_events" ? "and x.type <> 'incident_session_erased'" : ""),
                r => r.GetInt64(0), workspace, text);
            if (n[0] > 0) found.Add($"{t}: {n[0]} rows");
        }
        return found;
    }
}
