using System.Text.Json;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Tracing.Domain.Fixes;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

[Collection(ApiCollection.Name)]
public sealed class FixAgent(AppFixture app)
{
    private const string Config = "model: gpt-4o\nmax_steps: 80\ntools:\n  - search\n  - open_page\n";
    private const string ModelDiff = "--- a/agent-config\n+++ b/agent-config\n@@ -1,5 +1,6 @@\n model: gpt-4o\n max_steps: 80\n" +
                                     "+max_repeated_tool_calls: 2\n tools:\n   - search\n   - open_page\n";
    private const string SecretKey = "sk-test-do-not-leak";
    private const string ModelName = "fake-model-7";

    private static async Task<string> LoopIncidentAsync(TestClient client, AppFixture app)
    {
        Assert.Equal(200, (await client.Send("PUT", $"/api/projects/{client.Project}/agent-config", Config, "text/plain")).Status);
        var session = await client.AnalysedSessionAsync(Loop());
        return (await client.IncidentForAsync(app, session, "loop")).GetProperty("id").GetString()!;
    }

    /// <summary>The spec: the dispatch answers with the plan and diff (200); the incident then shows the same proposal.</summary>
    private static async Task<JsonElement> ProposeAsync(TestClient client, AppFixture app, string id)
    {
        var dispatch = await client.Post($"/api/incidents/{id}/fix-agent", "{}");
        Assert.Equal(200, dispatch.Status);
        var answer = dispatch.Body;
        Assert.Equal("proposed", answer.GetProperty("status").GetString());
        var dispatchId = answer.GetProperty("dispatch_id").GetString();
        var incident = await client.WaitForIncidentAsync(app, id, i =>
            i.GetProperty("fix_proposal") is { ValueKind: JsonValueKind.Object } p &&
            p.GetProperty("dispatch_id").GetString() == dispatchId && p.GetProperty("status").GetString() == "proposed");
        var proposal = incident.GetProperty("fix_proposal");
        foreach (var field in new[] { "mode", "reason", "plan", "diff", "config_sha256" })
            Assert.Equal(proposal.GetProperty(field).ToString(), answer.GetProperty(field).ToString());
        return proposal;
    }

    [Fact]
    public async Task without_a_model_the_rule_based_fallback_diff_applies_to_the_registered_config()
    {
        var client = await app.NewClientAsync();
        var id = await LoopIncidentAsync(client, app);
        var proposal = await ProposeAsync(client, app, id);

        Assert.Equal("fallback", proposal.GetProperty("mode").GetString());
        Assert.Equal("model_not_configured", proposal.GetProperty("reason").GetString());
        Assert.Contains("max_repeated_tool_calls", proposal.GetProperty("plan").GetString());
        var applied = UnifiedDiff.Apply(Config, proposal.GetProperty("diff").GetString()!);
        Assert.True(applied.Applies, applied.Error);
        Assert.Contains("max_repeated_tool_calls: 2\n", applied.Text);
        Assert.Equal(client.Actor(), proposal.GetProperty("requested_by").GetString());
        var config = await client.Get($"/api/projects/{client.Project}/agent-config");
        Assert.Equal(config.Body.GetProperty("sha256").GetString(), proposal.GetProperty("config_sha256").GetString());
    }

    [Fact]
    public async Task fix_agent_is_404_outside_the_project()
    {
        var client = await app.NewClientAsync(project: "alpha");
        var sibling = await app.NewClientAsync(workspace: client.Workspace, project: "beta");
        var id = await LoopIncidentAsync(client, app);
        Assert.Equal(404, (await sibling.Post($"/api/incidents/{id}/fix-agent", "{}")).Status);
        Assert.Equal(404, (await sibling.Send("PUT", $"/api/projects/{client.Project}/agent-config", Config, "text/plain")).Status);
        Assert.Equal(404, (await sibling.Get($"/api/projects/{client.Project}/agent-config")).Status);
        Assert.Equal(415, (await client.Send("PUT", $"/api/projects/{client.Project}/agent-config", Config, "application/yaml")).Status);
        Assert.Equal(422, (await client.Send("PUT", $"/api/projects/{client.Project}/agent-config", "{\"text\":\"x\"}", "application/json")).Status);
        var json = await client.Send("PUT", $"/api/projects/{client.Project}/agent-config", "{\"content\":\"max_steps: 10\\n\"}", "application/json");
        Assert.Equal(200, json.Status);
        Assert.Equal(2, json.Body.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task with_a_model_its_diff_is_used_when_it_applies_and_the_fallback_says_why_when_it_does_not()
    {
        await using var model = await FakeModelServer.StartAsync();
        await using var host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("TRACING_DB", AppFixture.ConnectionString);
            b.UseSetting("Tracing:Schema", AppFixture.Schema);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Tracing:FixAgent:BaseUrl", model.BaseUrl);
            // Its own work queues: the shared host (no model) must not take this node's fix-agent calls (ADR 0025).
            b.UseSetting("Tracing:Workers:Queues", "fix_" + Guid.NewGuid().ToString("N")[..12]);
            b.UseSetting("Tracing:FixAgent:ApiKey", SecretKey);
            b.UseSetting("Tracing:FixAgent:Model", ModelName);
            b.UseSetting("Tracing:FixAgent:TimeoutSeconds", "5");
        });
        var shared = await app.NewClientAsync();
        var client = new TestClient(host, shared.Token, shared.Workspace, shared.Project, shared.KeyId);
        var id = await LoopIncidentAsync(client, app);

        model.Reply = _ => (200, JsonSerializer.Serialize(new { plan = "Cap repeated tool calls at 2.", diff = ModelDiff }));
        var used = await ProposeAsync(client, app, id);
        Assert.Equal("model", used.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, used.GetProperty("reason").ValueKind);
        Assert.Equal("Cap repeated tool calls at 2.", used.GetProperty("plan").GetString());
        Assert.Equal(ModelDiff, used.GetProperty("diff").GetString());
        Assert.True(UnifiedDiff.Apply(Config, used.GetProperty("diff").GetString()!).Applies);

        var (authorization, request) = model.Requests.Single();
        Assert.Equal("Bearer " + SecretKey, authorization);
        Assert.Equal(ModelName, request.GetProperty("model").GetString());
        Assert.Contains("max_steps: 80", request.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Contains("loop", request.GetProperty("messages")[1].GetProperty("content").GetString());

        model.Reply = _ => (200, JsonSerializer.Serialize(new { plan = "Edit a line that is not there.",
            diff = ModelDiff.Replace(" max_steps: 80", " max_steps: 99") }));
        var fallback = await ProposeAsync(client, app, id);
        Assert.Equal("fallback", fallback.GetProperty("mode").GetString());
        Assert.StartsWith("diff_does_not_apply: hunk 1", fallback.GetProperty("reason").GetString());
        Assert.True(UnifiedDiff.Apply(Config, fallback.GetProperty("diff").GetString()!).Applies);

        model.Reply = _ => (500, "overloaded");
        Assert.Equal("model_http_error: 500", (await ProposeAsync(client, app, id)).GetProperty("reason").GetString());

        model.Hang = true;
        Assert.Equal("model_timeout", (await ProposeAsync(client, app, id)).GetProperty("reason").GetString());

        // Configuration never leaves the server.
        var everything = (await client.Get($"/api/incidents/{id}")).Text + (await client.Get("/api/audit-logs?limit=500")).Text;
        Assert.DoesNotContain(SecretKey, everything);
        Assert.DoesNotContain(ModelName, everything);
        Assert.DoesNotContain(new Uri(model.BaseUrl).Port.ToString() + "/v1", everything);
    }

    [Fact]
    public async Task concurrent_requests_on_one_incident_make_one_dispatch_and_a_slow_model_answers_202_with_location()
    {
        await using var model = await FakeModelServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        model.Gate = release.Task;
        model.Reply = _ => (200, JsonSerializer.Serialize(new { plan = "Cap repeated tool calls at 2.", diff = ModelDiff }));
        await using var host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("TRACING_DB", AppFixture.ConnectionString);
            b.UseSetting("Tracing:Schema", AppFixture.Schema);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Tracing:FixAgent:BaseUrl", model.BaseUrl);
            // Its own work queues: the shared host (no model) must not take this node's fix-agent calls (ADR 0025).
            b.UseSetting("Tracing:Workers:Queues", "fix_" + Guid.NewGuid().ToString("N")[..12]);
            b.UseSetting("Tracing:FixAgent:Model", ModelName);
            b.UseSetting("Tracing:FixAgent:TimeoutSeconds", "30");
            b.UseSetting("Tracing:FixAgent:WaitSeconds", "3");
        });
        var shared = await app.NewClientAsync();
        var client = new TestClient(host, shared.Token, shared.Workspace, shared.Project, shared.KeyId);
        var id = await LoopIncidentAsync(client, app);

        // The model is held: every request waits its bound and answers 202 with the one pending dispatch.
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => client.Post($"/api/incidents/{id}/fix-agent", "{}"))));
        Assert.All(replies, r =>
        {
            Assert.Equal(202, r.Status);
            Assert.Equal($"/api/incidents/{id}", r.Headers["Location"]);
            Assert.Equal("pending", r.Body.GetProperty("status").GetString());
        });
        var dispatchId = Assert.Single(replies.Select(r => r.Body.GetProperty("dispatch_id").GetString()).Distinct());
        var dispatched = await Database.QueryAsync(
            $"select count(*) from {AppFixture.Schema}.mt_events where tenant_id = $1 and stream_id = $2 and type = $3",
            r => r.GetInt64(0), client.Workspace, Tracing.Domain.Incidents.IncidentIds.StreamKey(client.Project, id),
            Tracing.Projections.Incidents.IncidentStoreSetup.FixDispatchedAlias);
        Assert.Equal(1, dispatched.Single());

        release.SetResult();
        await client.WaitForIncidentAsync(app, id, i =>
            i.GetProperty("fix_proposal") is { ValueKind: JsonValueKind.Object } p &&
            p.GetProperty("dispatch_id").GetString() == dispatchId && p.GetProperty("status").GetString() == "proposed");
        Assert.Single(model.Requests); // one paid model call for six requests

        // Nothing pending any more: the next request is a new dispatch, answered within the bound with plan and diff.
        var next = await client.Post($"/api/incidents/{id}/fix-agent", "{}");
        Assert.Equal(200, next.Status);
        Assert.NotEqual(dispatchId, next.Body.GetProperty("dispatch_id").GetString());
        Assert.Equal("model", next.Body.GetProperty("mode").GetString());
        Assert.Equal(ModelDiff, next.Body.GetProperty("diff").GetString());
        Assert.Equal(2, model.Requests.Count);
    }
}
