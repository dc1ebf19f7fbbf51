using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

[Collection(ApiCollection.Name)]
public sealed class TriagingIncidents(AppFixture app)
{
    private async Task<(TestClient Client, string Id, string Session)> IncidentAsync(string project = "proj")
    {
        var client = await app.NewClientAsync(project: project);
        var session = await client.AnalysedSessionAsync(ToolFailure());
        var incident = await client.IncidentForAsync(app, session, "tool_error");
        return (client, incident.GetProperty("id").GetString()!, session);
    }

    private static Task<List<long>> IncidentEventCountAsync(TestClient client, string id) =>
        Database.QueryAsync($"select count(*) from {AppFixture.Schema}.mt_events where tenant_id = $1 and stream_id = $2",
            r => r.GetInt64(0), client.Workspace, $"{client.Project}/~incident/{id}");

    [Fact]
    public async Task patch_sets_status_and_owner_and_answers_with_the_updated_incident_and_its_etag()
    {
        var (client, id, _) = await IncidentAsync();
        var reply = await client.Patch(id, "{\"status\":\"acknowledged\",\"owner\":\"alice\"}", ifMatch: "\"0-0\"");
        Assert.Equal(200, reply.Status);
        Assert.Equal("acknowledged", reply.Body.GetProperty("status").GetString());
        Assert.Equal("alice", reply.Body.GetProperty("owner").GetString());
        Assert.Equal("\"2-0\"", reply.Headers["ETag"]);
        Assert.Equal("\"2-0\"", reply.Body.GetProperty("etag").GetString());

        // Straight away, before the read model caught up: the answer already includes the previous change.
        var second = await client.Patch(id, "{\"owner\":null}", contentType: "application/json");
        Assert.Equal(200, second.Status);
        Assert.Equal("acknowledged", second.Body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, second.Body.GetProperty("owner").ValueKind);
        Assert.Equal("\"3-0\"", second.Headers["ETag"]);

        var stored = await client.WaitForIncidentAsync(app, id, i => i.GetProperty("version").GetInt64() == 3);
        Assert.Equal(second.Text, stored.GetRawText());
        var get = await client.Get($"/api/incidents/{id}");
        Assert.Equal("\"3-0\"", get.Headers["ETag"]);
        Assert.Equal(1, (await client.Get("/api/incidents?status=acknowledged")).Body.GetProperty("data").GetArrayLength());

        // A patch that changes nothing records nothing.
        var same = await client.Patch(id, "{\"status\":\"acknowledged\"}");
        Assert.Equal(200, same.Status);
        Assert.Equal("\"3-0\"", same.Headers["ETag"]);
        Assert.Equal(3, (await IncidentEventCountAsync(client, id))[0]);
    }

    [Theory]
    [InlineData("{\"status\":\"closed\"}", "status")]
    [InlineData("{\"status\":null}", "status")]
    [InlineData("{\"owner\":42}", "owner")]
    [InlineData("{\"owner\":\"\"}", "owner")]
    [InlineData("{\"severity\":\"low\"}", "severity")]
    [InlineData("[{\"op\":\"replace\"}]", "$")]
    public async Task bad_values_and_unknown_fields_are_422_and_change_nothing(string body, string field)
    {
        var (client, id, _) = await IncidentAsync();
        var reply = await client.Patch(id, body);
        Assert.Equal(422, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal(field, reply.Body.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(0, (await IncidentEventCountAsync(client, id))[0]);
    }

    [Fact]
    public async Task other_media_types_are_415_and_malformed_json_is_400()
    {
        var (client, id, _) = await IncidentAsync();
        Assert.Equal(415, (await client.Patch(id, "{\"status\":\"resolved\"}", contentType: "application/json-patch+json")).Status);
        Assert.Equal(415, (await client.Patch(id, "status=resolved", contentType: "text/plain")).Status);
        Assert.Equal(400, (await client.Patch(id, "{\"status\":")).Status);
    }

    [Fact]
    public async Task patch_is_404_across_projects_and_workspaces_and_mutates_nothing()
    {
        var (owner, id, _) = await IncidentAsync(project: "alpha");
        var sibling = await app.NewClientAsync(workspace: owner.Workspace, project: "beta");
        var stranger = await app.NewClientAsync(project: "alpha");
        foreach (var other in new[] { sibling, stranger })
        {
            var reply = await other.Patch(id, "{\"status\":\"resolved\"}");
            Assert.Equal(404, reply.Status);
            Assert.Equal(404, (await other.Patch(id, "not json")).Status); // scope is checked before the body is read
        }
        Assert.Equal(404, (await owner.Patch("inc_0000000000000000", "{\"status\":\"resolved\"}")).Status);
        Assert.Equal(0, (await IncidentEventCountAsync(owner, id))[0]);
        Assert.Equal("open", (await owner.Get($"/api/incidents/{id}")).Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task a_stale_if_match_is_412_and_the_current_one_succeeds()
    {
        var (client, id, _) = await IncidentAsync();
        Assert.Equal(200, (await client.Patch(id, "{\"owner\":\"alice\"}", ifMatch: "\"0-0\"")).Status);
        var stale = await client.Patch(id, "{\"owner\":\"bob\"}", ifMatch: "\"0-0\"");
        Assert.Equal(412, stale.Status);
        Assert.Equal("application/problem+json", stale.ContentType);
        Assert.Equal("\"1-0\"", stale.Body.GetProperty("etag").GetString());
        Assert.Equal(412, (await client.Patch(id, "{\"owner\":\"bob\"}", ifMatch: "\"garbage\"")).Status);
        var current = await client.Patch(id, "{\"owner\":\"bob\"}", ifMatch: "W/\"1-0\"");
        Assert.Equal(200, current.Status);
        Assert.Equal("bob", current.Body.GetProperty("owner").GetString());
        Assert.Equal(200, (await client.Patch(id, "{\"status\":\"ignored\"}", ifMatch: "*")).Status);
    }

    [Fact]
    public async Task a_resolved_incident_seen_in_a_new_session_reopens_as_regressed()
    {
        var (client, id, first) = await IncidentAsync();
        var resolved = await client.Patch(id, "{\"status\":\"resolved\"}");
        Assert.Equal("resolved", resolved.Body.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, resolved.Body.GetProperty("resolved_at").ValueKind);

        // The old session analysed again (more events, same failure): not a regression.
        await client.Append(first, TestClient.Ev(6, "agent.step", new { step = 3 }));
        Assert.True((await client.Post($"/api/traces/{first}/analyze", "{}")).Body.GetProperty("recorded").GetBoolean());
        var still = await client.WaitForIncidentAsync(app, id, i => i.GetProperty("samples")[0].GetProperty("critical_step").GetInt64() == 3
            && i.GetProperty("status").GetString() == "resolved");
        Assert.False(still.GetProperty("regressed").GetBoolean());

        var newer = await client.AnalysedSessionAsync(ToolFailure());
        var reopened = await client.WaitForIncidentAsync(app, id, i => i.GetProperty("sessions_affected").GetInt32() == 2);
        Assert.Equal("open", reopened.GetProperty("status").GetString());
        Assert.True(reopened.GetProperty("regressed").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, reopened.GetProperty("regressed_at").ValueKind);
        Assert.Equal(newer, reopened.GetProperty("samples")[0].GetProperty("session_id").GetString());

        // The reopen changed the ETag: a resolve based on the state read before it is stale.
        Assert.Equal("\"1-1\"", reopened.GetProperty("etag").GetString());
        Assert.Equal(412, (await client.Patch(id, "{\"status\":\"resolved\"}", ifMatch: resolved.Headers["ETag"])).Status);

        // Resolving again clears the flag; the PATCH answer already knows the incident had reopened.
        var again = await client.Patch(id, "{\"status\":\"resolved\"}", ifMatch: "\"1-1\"");
        Assert.Equal("resolved", again.Body.GetProperty("status").GetString());
        Assert.False(again.Body.GetProperty("regressed").GetBoolean());
    }
}
