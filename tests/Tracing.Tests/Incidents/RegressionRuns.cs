using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

[Collection(ApiCollection.Name)]
public sealed class RegressionRuns(AppFixture app)
{
    internal static async Task<(TestClient Client, string Id, List<string> Failing)> IncidentAsync(AppFixture app, TestClient? client = null)
    {
        client ??= await app.NewClientAsync();
        var failing = new List<string> { await client.AnalysedSessionAsync(ToolFailure()), await client.AnalysedSessionAsync(ToolFailure()) };
        var incident = await client.IncidentForAsync(app, failing[0], "tool_error");
        var id = incident.GetProperty("id").GetString()!;
        await client.WaitForIncidentAsync(app, id, i => i.GetProperty("sessions_affected").GetInt32() == 2);
        return (client, id, failing);
    }

    internal static async Task<JsonElement> WaitForRunAsync(TestClient client, string location, int seconds = 30) =>
        (await Eventually.UntilAsync(() => client.Get(location),
            r => r.Status == 200 && r.Body.GetProperty("status").GetString() == "completed",
            TimeSpan.FromSeconds(seconds), r => $"run not completed: {r.Status} {r.Text}")).Body;

    private static async Task<JsonElement> RunAsync(TestClient client, string id, object body)
    {
        var started = await client.Post($"/api/incidents/{id}/regression-runs", body);
        Assert.Equal(202, started.Status);
        var location = started.Headers["Location"];
        Assert.Equal($"/api/incidents/{id}/regression-runs/{started.Body.GetProperty("id").GetString()}", location);
        Assert.Contains(started.Body.GetProperty("status").GetString(), new[] { "queued", "running", "completed" });
        return await WaitForRunAsync(client, location);
    }

    [Fact]
    public async Task clean_sessions_after_the_fix_make_it_fixed()
    {
        var (client, id, failing) = await IncidentAsync(app);
        var after = new[] { await client.AnalysedSessionAsync(Clean()), await client.AnalysedSessionAsync(Clean()) };
        var run = await RunAsync(client, id, new { after = new { session_ids = after } });

        Assert.Equal("fixed", run.GetProperty("verdict").GetString());
        Assert.Equal(2, run.GetProperty("before").GetProperty("sessions").GetInt32());
        Assert.Equal(2, run.GetProperty("before").GetProperty("reproduced").GetInt32());
        Assert.Equal(2, run.GetProperty("after").GetProperty("sessions").GetInt32());
        Assert.Equal(0, run.GetProperty("after").GetProperty("reproduced").GetInt32());
        Assert.Equal(failing.AsEnumerable().Reverse(), run.GetProperty("before_sessions").EnumerateArray().Select(s => s.GetString()));
        var results = run.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(4, results.Count);
        Assert.All(results.Where(r => r.GetProperty("phase").GetString() == "before"), r => Assert.Equal(3, r.GetProperty("critical_step").GetInt64()));
        Assert.Equal("detectors@1", run.GetProperty("detector_version").GetString());
        Assert.Equal(1, run.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task a_session_that_still_fails_makes_it_not_fixed_and_too_few_sessions_are_inconclusive()
    {
        var (client, id, _) = await IncidentAsync(app);
        var clean = await client.AnalysedSessionAsync(Clean());
        var stillFailing = await client.AnalysedSessionAsync(ToolFailure());

        var notFixed = await RunAsync(client, id, new { after = new { session_ids = new[] { clean, stillFailing } } });
        Assert.Equal("not_fixed", notFixed.GetProperty("verdict").GetString());
        Assert.Equal(1, notFixed.GetProperty("after").GetProperty("reproduced").GetInt32());

        var single = await RunAsync(client, id, new { after = new { session_ids = new[] { clean } } });
        Assert.Equal("inconclusive", single.GetProperty("verdict").GetString());
        Assert.Equal("too_few_after_sessions", single.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task named_after_sessions_stay_after_sessions_once_the_incident_has_absorbed_them()
    {
        var (client, id, failing) = await IncidentAsync(app);
        var after = new[] { await client.AnalysedSessionAsync(ToolFailure()), await client.AnalysedSessionAsync(ToolFailure()) };
        // The race, made certain: the incident projection has already folded the reproducing after-sessions in.
        await client.WaitForIncidentAsync(app, id, i => i.GetProperty("sessions_affected").GetInt32() == 4);

        var run = await RunAsync(client, id, new { after = new { session_ids = after } });
        Assert.Equal(after, run.GetProperty("after_sessions").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(failing.Order(), run.GetProperty("before_sessions").EnumerateArray().Select(s => s.GetString()!).Order());
        Assert.Equal(2, run.GetProperty("after").GetProperty("sessions").GetInt32());
        Assert.Equal(2, run.GetProperty("after").GetProperty("reproduced").GetInt32());
        Assert.Equal("not_fixed", run.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task after_since_takes_the_sessions_created_since_then()
    {
        var (client, id, _) = await IncidentAsync(app);
        var since = DateTimeOffset.UtcNow;
        var after = new[] { await client.AnalysedSessionAsync(Clean()), await client.AnalysedSessionAsync(Clean()), await client.CreateSession() };
        var run = await RunAsync(client, id, new { after = new { since = since.ToString("O") } });
        Assert.Equal(after, run.GetProperty("after_sessions").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("fixed", run.GetProperty("verdict").GetString());
        Assert.Equal(3, run.GetProperty("after").GetProperty("sessions").GetInt32());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"after\":{}}")]
    [InlineData("{\"after\":{\"session_ids\":[],\"since\":\"2020-01-01T00:00:00Z\"}}")]
    [InlineData("{\"after\":{\"session_ids\":[]}}")]
    [InlineData("{\"after\":{\"session_ids\":[\"a/b\"]}}")]
    [InlineData("{\"after\":{\"session_ids\":[\"nope\"]}}")]
    [InlineData("{\"after\":{\"since\":\"last week\"}}")]
    [InlineData("{\"after\":{\"until\":\"2020-01-01T00:00:00Z\"}}")]
    [InlineData("{\"before\":{},\"after\":{\"since\":\"2020-01-01T00:00:00Z\"}}")]
    [InlineData("[]")]
    public async Task bad_requests_are_422(string body)
    {
        var (client, id, _) = await IncidentAsync(app);
        var reply = await client.Post($"/api/incidents/{id}/regression-runs", body);
        Assert.Equal(422, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
    }

    [Fact]
    public async Task runs_are_404_outside_the_project()
    {
        var (client, id, failing) = await IncidentAsync(app);
        var sibling = await app.NewClientAsync(workspace: client.Workspace, project: "other");
        Assert.Equal(404, (await sibling.Post($"/api/incidents/{id}/regression-runs", new { after = new { session_ids = failing } })).Status);
        var started = await client.Post($"/api/incidents/{id}/regression-runs", new { after = new { session_ids = failing } });
        Assert.Equal(404, (await sibling.Get(started.Headers["Location"])).Status);
        Assert.Equal(404, (await client.Get($"/api/incidents/{id}/regression-runs/rr_missing")).Status);
        Assert.Equal(404, (await sibling.Post($"/api/incidents/{id}/regression-runs", "{")).Status); // scope before body
    }
}
