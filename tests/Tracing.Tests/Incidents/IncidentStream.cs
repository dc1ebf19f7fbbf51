using Tracing.Api.Live;
using Tracing.Projections.Events;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

[Collection(ApiCollection.Name)]
public sealed class IncidentStream(AppFixture app)
{
    [Fact]
    public async Task analyses_and_triage_changes_arrive_as_incident_updated()
    {
        var client = await app.NewClientAsync();
        var session = await client.AnalysedSessionAsync(ToolFailure());
        var id = (await client.IncidentForAsync(app, session, "tool_error")).GetProperty("id").GetString()!;

        await using var sse = await SseClient.OpenAsync(app.Host.Server.CreateClient(), "/api/stream?after_seq=0&types=incident.updated", client.Token);
        Assert.Equal(200, (await client.Patch(id, "{\"status\":\"resolved\",\"owner\":\"alice\"}")).Status);
        var messages = await sse.TakeAsync(3, "incident.updated");

        var occurred = messages[0].Json;
        Assert.Equal("occurred", occurred.GetProperty("change").GetString());
        Assert.Equal(id, occurred.GetProperty("incident_id").GetString());
        Assert.Equal(session, occurred.GetProperty("session_id").GetString());
        Assert.Equal(["status", "owner"], messages.Skip(1).Select(m => m.Json.GetProperty("change").GetString()));
        Assert.Equal("resolved", messages[1].Json.GetProperty("status").GetString());
        Assert.Equal("open", messages[1].Json.GetProperty("previous_status").GetString());
        Assert.Equal("alice", messages[2].Json.GetProperty("owner").GetString());
        Assert.Equal(client.Actor(), messages[2].Json.GetProperty("actor").GetString());
        Assert.Equal(client.Project, messages[2].Json.GetProperty("project_id").GetString());
    }

    [Fact]
    public void incident_stream_events_match_project_filters_but_never_session_filters()
    {
        var row = new FeedRow(42, "ws", "web/~incident/inc_0123456789abcdef", "incident_status_changed",
            "{\"incident_id\":\"inc_0123456789abcdef\",\"project_id\":\"web\",\"status\":\"resolved\",\"previous_status\":\"open\",\"actor\":\"key:k\",\"at\":\"2025-01-01T00:00:00Z\"}");
        var message = Assert.Single(StreamMessages.From(row));
        Assert.Equal("incident.updated", message.Name);
        Assert.True(new StreamFilter("ws", "web", null, null).Matches(message));
        Assert.False(new StreamFilter("ws", "api", null, null).Matches(message));
        Assert.False(new StreamFilter("ws", "web", "~incident/inc_0123456789abcdef", null).Matches(message));
        Assert.False(new StreamFilter("other", null, null, null).Matches(message));
        Assert.Empty(StreamMessages.From(row with { StreamKey = "web/some-session" }));
    }
}
