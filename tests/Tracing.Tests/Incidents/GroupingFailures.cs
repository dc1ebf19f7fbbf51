using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Domain.Analysis;
using Tracing.Domain.Incidents;
using Tracing.Workers.Analysis;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

[Collection(ApiCollection.Name)]
public sealed class GroupingFailures(AppFixture app)
{
    private static List<string> Ids(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task the_same_failure_in_two_sessions_is_one_incident_and_different_failures_are_different_incidents()
    {
        var client = await app.NewClientAsync();
        var s1 = await client.AnalysedSessionAsync(ToolFailure());
        var s2 = await client.AnalysedSessionAsync(ToolFailure());
        var s3 = await client.AnalysedSessionAsync(ToolFailure(tool: "fetch", error: "ConnectionError", message: "connection refused"));

        var fingerprint = await client.FingerprintAsync(s1, "tool_error");
        Assert.Equal(fingerprint, await client.FingerprintAsync(s2, "tool_error"));
        var id = IncidentIds.For(client.Project, fingerprint);
        var incident = await client.WaitForIncidentAsync(app, id, i => i.GetProperty("sessions_affected").GetInt32() == 2);

        Assert.Equal(id, incident.GetProperty("id").GetString());
        Assert.Equal(client.Project, incident.GetProperty("project_id").GetString());
        Assert.Equal("tool_error", incident.GetProperty("detector").GetString());
        Assert.Equal(fingerprint, incident.GetProperty("fingerprint").GetString());
        Assert.Equal("open", incident.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("owner").ValueKind);
        Assert.Equal(2, incident.GetProperty("occurrences").GetInt64());
        Assert.False(incident.GetProperty("regressed").GetBoolean());
        Assert.StartsWith("tool_error (", incident.GetProperty("title").GetString());
        Assert.Equal([s2, s1], incident.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("session_id").GetString()));
        Assert.All(incident.GetProperty("samples").EnumerateArray(), s => Assert.Equal(3, s.GetProperty("critical_step").GetInt64()));
        Assert.Equal("\"0-0\"", incident.GetProperty("etag").GetString());

        var other = IncidentIds.For(client.Project, await client.FingerprintAsync(s3, "tool_error"));
        Assert.NotEqual(id, other);
        var list = await client.Get("/api/incidents");
        Assert.Equal(200, list.Status);
        Assert.Equal(new HashSet<string> { id, other }, Ids(list.Body).ToHashSet());
        var item = list.Body.GetProperty("data").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);
        Assert.Equal(incident.GetRawText(), item.GetRawText());
    }

    [Fact]
    public async Task counts_and_samples_follow_new_sessions_and_a_reanalysis_never_counts_a_session_twice()
    {
        var client = await app.NewClientAsync();
        var sessions = new List<string>();
        for (var i = 0; i < 3; i++) sessions.Add(await client.AnalysedSessionAsync(ToolFailure()));
        var id = IncidentIds.For(client.Project, await client.FingerprintAsync(sessions[0], "tool_error"));
        await client.WaitForIncidentAsync(app, id, i => i.GetProperty("occurrences").GetInt64() == 3);

        for (var i = 0; i < 4; i++) sessions.Add(await client.AnalysedSessionAsync(ToolFailure()));
        // Re-analyse an early session after more events: a new analysis with the same fingerprint.
        await client.Append(sessions[0], TestClient.Ev(6, "agent.step", new { step = 3 }));
        var again = await client.Post($"/api/traces/{sessions[0]}/analyze", "{}");
        Assert.True(again.Body.GetProperty("recorded").GetBoolean());

        var incident = await client.WaitForIncidentAsync(app, id, i => i.GetProperty("samples")[0].GetProperty("session_id").GetString() == sessions[0]);
        Assert.Equal(7, incident.GetProperty("occurrences").GetInt64());
        Assert.Equal(7, incident.GetProperty("sessions_affected").GetInt32());
        var samples = incident.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("session_id").GetString()).ToList();
        Assert.Equal([sessions[0], sessions[6], sessions[5], sessions[4], sessions[3]], samples);
        Assert.True(incident.GetProperty("last_seen_at").GetDateTimeOffset() > incident.GetProperty("first_seen_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task a_reanalysis_that_no_longer_finds_the_failure_does_not_decrement()
    {
        var client = await app.NewClientAsync();
        var session = await client.AnalysedSessionAsync(Loop());
        var id = IncidentIds.For(client.Project, await client.FingerprintAsync(session, "loop"));
        await client.WaitForIncidentAsync(app, id, _ => true);

        // A stricter threshold: the rerun records an analysis without the loop (docs/adr/0008-incidents.md).
        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        var relaxed = new DetectorSet(DetectorSettings.Default with { LoopThreshold = 5 });
        await new SessionAnalyzer(store, relaxed, app.Host.Services.GetRequiredService<SessionSize>(), TimeProvider.System)
            .AnalyzeAsync(new AnalyzeSession(client.Workspace, client.Project, session, "rerun", "operator"), default);
        await app.WaitForProjectionsAsync();

        var incident = await client.WaitForIncidentAsync(app, id, _ => true);
        Assert.Equal(1, incident.GetProperty("occurrences").GetInt64());
        Assert.Equal(1, incident.GetProperty("sessions_affected").GetInt32());
    }

    [Fact]
    public async Task the_list_filters_sorts_and_pages()
    {
        var client = await app.NewClientAsync();
        var loops = new List<string>();
        for (var i = 0; i < 3; i++) loops.Add(await client.AnalysedSessionAsync(Loop()));
        var tool = await client.AnalysedSessionAsync(ToolFailure());
        var loopId = IncidentIds.For(client.Project, await client.FingerprintAsync(loops[0], "loop"));
        var toolId = IncidentIds.For(client.Project, await client.FingerprintAsync(tool, "tool_error"));
        await client.WaitForIncidentAsync(app, loopId, i => i.GetProperty("occurrences").GetInt64() == 3);
        await client.WaitForIncidentAsync(app, toolId, _ => true);

        Assert.Equal([toolId, loopId], Ids((await client.Get("/api/incidents")).Body));
        Assert.Equal([loopId, toolId], Ids((await client.Get("/api/incidents?sort=occurrences")).Body));
        Assert.Equal([loopId], Ids((await client.Get("/api/incidents?detector=loop")).Body));
        Assert.Equal([loopId, toolId], Ids((await client.Get("/api/incidents?status=open&sort=occurrences")).Body));
        Assert.Empty(Ids((await client.Get("/api/incidents?status=resolved")).Body));
        Assert.Empty(Ids((await client.Get("/api/incidents?owner=alice")).Body));
        Assert.Empty(Ids((await client.Get($"/api/incidents?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}")).Body));
        Assert.Equal(2, Ids((await client.Get($"/api/incidents?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"))}&project_id={client.Project}")).Body).Count);

        // Paging one by one gives the unpaged order, also across equal sort values (occurrences 1 and 1: id breaks ties).
        var third = await client.AnalysedSessionAsync(ToolFailure(tool: "fetch", error: "ConnectionError", message: "refused"));
        var thirdId = IncidentIds.For(client.Project, await client.FingerprintAsync(third, "tool_error"));
        await client.WaitForIncidentAsync(app, thirdId, _ => true);
        foreach (var sort in new[] { "last_seen", "occurrences" })
        {
            var all = Ids((await client.Get($"/api/incidents?sort={sort}")).Body);
            var paged = new List<string>();
            string? cursor = null;
            do
            {
                var page = await client.Get($"/api/incidents?limit=1&sort={sort}" + (cursor is null ? "" : $"&cursor={cursor}"));
                paged.AddRange(Ids(page.Body));
                cursor = page.Body.GetProperty("next_cursor").GetString();
            } while (cursor is not null && paged.Count < 10);
            Assert.Equal(3, all.Count);
            Assert.Equal(all, paged);
        }

        foreach (var bad in new[] { "status=closed", "sort=name", "limit=0", "since=yesterday", "cursor=nope", "cursor=" + Uri.EscapeDataString("b2NjdXJyZW5jZXN8MXxpbmNfeA") })
            Assert.Equal(422, (await client.Get($"/api/incidents?{bad}")).Status);
        Assert.Equal(404, (await client.Get("/api/incidents?project_id=other")).Status);
    }

    [Fact]
    public async Task incidents_are_invisible_across_projects_and_workspaces()
    {
        var owner = await app.NewClientAsync(project: "alpha");
        var sibling = await app.NewClientAsync(workspace: owner.Workspace, project: "beta");
        var stranger = await app.NewClientAsync(project: "alpha");
        var session = await owner.AnalysedSessionAsync(ToolFailure());
        var incident = await owner.IncidentForAsync(app, session, "tool_error");
        var id = incident.GetProperty("id").GetString()!;

        foreach (var other in new[] { sibling, stranger })
        {
            Assert.Equal(404, (await other.Get($"/api/incidents/{id}")).Status);
            Assert.Empty(Ids((await other.Get("/api/incidents")).Body));
        }
        Assert.Equal(404, (await owner.Get("/api/incidents/inc_0000000000000000")).Status);
        Assert.Equal(404, (await owner.Get("/api/incidents/not-an-id")).Status);
    }
}
