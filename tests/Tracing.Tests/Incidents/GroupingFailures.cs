using System.Text.Json;
using Tracing.Domain.Incidents;
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
        Assert.Equal("\"0\"", incident.GetProperty("etag").GetString());

        var other = IncidentIds.For(client.Project, await client.FingerprintAsync(s3, "tool_error"));
        Assert.NotEqual(id, other);
        var list = await client.Get("/api/incidents");
        Assert.Equal(200, list.Status);
        Assert.Equal(new HashSet<string> { id, other }, Ids(list.Body).ToHashSet());
        var item = list.Body.GetProperty("data").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);
        Assert.Equal(incident.GetRawText(), item.GetRawText());
    }
}
