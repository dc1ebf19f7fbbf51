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

    private static async Task<JsonElement> ProposeAsync(TestClient client, AppFixture app, string id)
    {
        var dispatch = await client.Post($"/api/incidents/{id}/fix-agent", "{}");
        Assert.Equal(202, dispatch.Status);
        Assert.Equal($"/api/incidents/{id}", dispatch.Headers["Location"]);
        var dispatchId = dispatch.Body.GetProperty("dispatch_id").GetString();
        var incident = await client.WaitForIncidentAsync(app, id, i =>
            i.GetProperty("fix_proposal") is { ValueKind: JsonValueKind.Object } p &&
            p.GetProperty("dispatch_id").GetString() == dispatchId && p.GetProperty("status").GetString() == "proposed");
        return incident.GetProperty("fix_proposal");
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

        model.Delay = TimeSpan.FromSeconds(30);
        Assert.Equal("model_timeout", (await ProposeAsync(client, app, id)).GetProperty("reason").GetString());

        // Configuration never leaves the server.
        var everything = (await client.Get($"/api/incidents/{id}")).Text + (await client.Get("/api/audit-logs?limit=500")).Text;
        Assert.DoesNotContain(SecretKey, everything);
        Assert.DoesNotContain(ModelName, everything);
        Assert.DoesNotContain(new Uri(model.BaseUrl).Port.ToString() + "/v1", everything);
    }
}
