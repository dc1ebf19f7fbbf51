using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

/// <summary>Every status change is an event, including a regression reopen (issue 11, item 2).</summary>
[Collection(ApiCollection.Name)]
public sealed class RegressionHistory(AppFixture app)
{
    [Fact]
    public async Task resolve_recurrence_and_reopen_are_all_in_the_incident_history_and_its_fold_equals_the_live_incident()
    {
        var client = await app.NewClientAsync();
        var first = await client.AnalysedSessionAsync(ToolFailure());
        var id = (await client.IncidentForAsync(app, first, "tool_error")).GetProperty("id").GetString()!;
        Assert.Equal(200, (await client.Patch(id, "{\"status\":\"resolved\"}")).Status);
        var recurrence = await client.AnalysedSessionAsync(ToolFailure());
        // The same session analysed again is no new recurrence: one reopen only.
        Assert.Equal(200, (await client.Post($"/api/traces/{recurrence}/analyze", "{}")).Status);
        var live = await client.WaitForIncidentAsync(app, id, i => i.GetProperty("regressed").GetBoolean());
        Assert.Equal("open", live.GetProperty("status").GetString());

        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        var key = IncidentIds.StreamKey(client.Project, id);
        await using var session = store.QuerySession(client.Workspace);
        var history = (await session.Events.FetchStreamAsync(key)).Select(e => e.Data).ToList();
        Assert.Equal([typeof(IncidentStatusChanged), typeof(IncidentRegressed)], history.Select(e => e.GetType()));
        var regressed = Assert.IsType<IncidentRegressed>(history[1]);
        Assert.Equal((id, client.Project, recurrence), (regressed.IncidentId, regressed.ProjectId, regressed.SessionId));
        Assert.Equal(live.GetProperty("regressed_at").GetDateTimeOffset(), regressed.At);

        // Folded from its events alone, the incident's triage equals the inline write model and the live read model's.
        var rebuilt = await session.Events.AggregateStreamAsync<IncidentTriage>(key);
        var inline = await session.LoadAsync<IncidentTriage>(key);
        var readModel = await session.LoadAsync<Incident>(id);
        Assert.Equal(JsonSerializer.Serialize(inline), JsonSerializer.Serialize(rebuilt));
        Assert.Equal(JsonSerializer.Serialize(readModel!.Triage), JsonSerializer.Serialize(rebuilt));
        Assert.Equal(("open", true, 1, 2L), (rebuilt!.Status, rebuilt.Regressed, rebuilt.Reopens, rebuilt.Version));

        // Resolving again is the third event of the history; the read model keeps following the same fold.
        var again = await client.Patch(id, "{\"status\":\"resolved\"}", ifMatch: live.GetProperty("etag").GetString());
        Assert.Equal(200, again.Status);
        var resolved = await client.WaitForIncidentAsync(app, id, i => i.GetProperty("status").GetString() == "resolved");
        Assert.Equal(again.Text, resolved.GetRawText());
        Assert.Equal(3, (await session.Events.FetchStreamAsync(key)).Count);
    }

    [Fact]
    public async Task two_workspaces_with_the_same_incident_stream_key_are_triaged_apart_through_wolverine()
    {
        // Same project name and failure in two workspaces: the same incident id and stream key, in two tenants.
        var a = await app.NewClientAsync(project: "shared");
        var b = await app.NewClientAsync(project: "shared");
        var idA = (await a.IncidentForAsync(app, await a.AnalysedSessionAsync(ToolFailure()), "tool_error")).GetProperty("id").GetString()!;
        var idB = (await b.IncidentForAsync(app, await b.AnalysedSessionAsync(ToolFailure()), "tool_error")).GetProperty("id").GetString()!;
        Assert.Equal(idA, idB);

        Assert.Equal("\"1-0\"", (await a.Patch(idA, "{\"owner\":\"alice\"}", ifMatch: "\"0-0\"")).Headers["ETag"]);
        Assert.Equal("\"1-0\"", (await b.Patch(idB, "{\"owner\":\"bob\"}", ifMatch: "\"0-0\"")).Headers["ETag"]);
        Assert.Equal("alice", (await a.WaitForIncidentAsync(app, idA, i => i.GetProperty("version").GetInt64() == 1)).GetProperty("owner").GetString());
        Assert.Equal("bob", (await b.WaitForIncidentAsync(app, idB, i => i.GetProperty("version").GetInt64() == 1)).GetProperty("owner").GetString());
        var rows = await Database.QueryAsync(
            $"select tenant_id, count(*) from {AppFixture.Schema}.mt_events where stream_id = $1 and tenant_id in ($2, $3) group by tenant_id order by tenant_id",
            r => (r.GetString(0), r.GetInt64(1)), $"shared/~incident/{idA}", a.Workspace, b.Workspace);
        Assert.Equal(new[] { a.Workspace, b.Workspace }.Order().Select(w => (w, 1L)), rows);
    }
}
