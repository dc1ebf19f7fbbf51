using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

[Collection(ApiCollection.Name)]
public sealed class AuditLog(AppFixture app)
{
    private static List<JsonElement> Entries(Reply reply) => reply.Body.GetProperty("data").EnumerateArray().ToList();

    [Fact]
    public async Task every_mutation_is_audited_with_who_what_when_before_and_after()
    {
        var (client, id, failing) = await RegressionRuns.IncidentAsync(app);
        var actor = client.Actor();
        await client.Send("PUT", $"/api/projects/{client.Project}/agent-config", "max_steps: 80\n", "text/plain");
        Assert.Equal(200, (await client.Patch(id, "{\"status\":\"acknowledged\",\"owner\":\"alice\"}")).Status);
        var dispatch = await client.Post($"/api/incidents/{id}/fix-agent", "{}");
        var run = await client.Post($"/api/incidents/{id}/regression-runs", new { after = new { session_ids = failing } });
        await RegressionRuns.WaitForRunAsync(client, run.Headers["Location"]);
        await client.WaitForIncidentAsync(app, id, i => i.GetProperty("fix_proposal").GetProperty("status").GetString() == "proposed");

        var all = Entries(await client.Get("/api/audit-logs?limit=500"));
        var byAction = all.ToDictionary(e => e.GetProperty("action").GetString()!, e => e.GetProperty("actor").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["key.created"] = "cli", ["project.agent_config_updated"] = actor, ["incident.updated"] = actor,
            ["incident.fix_agent_dispatched"] = actor, ["incident.fix_proposed"] = "fix-agent",
            ["incident.regression_run_requested"] = actor, ["incident.regression_run_completed"] = "regression-runner",
        }, byAction);
        var ids = all.Select(e => e.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.OrderDescending(StringComparer.Ordinal), ids);

        var patch = all.Single(e => e.GetProperty("action").GetString() == "incident.updated");
        Assert.Equal("incident:" + id, patch.GetProperty("target").GetString());
        Assert.Equal(actor, patch.GetProperty("actor").GetString());
        Assert.Equal(client.Project, patch.GetProperty("project_id").GetString());
        Assert.Equal("open", patch.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, patch.GetProperty("before").GetProperty("owner").ValueKind);
        Assert.Equal("acknowledged", patch.GetProperty("after").GetProperty("status").GetString());
        Assert.Equal("alice", patch.GetProperty("after").GetProperty("owner").GetString());
        Assert.True(patch.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.False(string.IsNullOrEmpty(patch.GetProperty("request_id").GetString()));

        var dispatched = all.Single(e => e.GetProperty("action").GetString() == "incident.fix_agent_dispatched");
        Assert.Equal(dispatch.Body.GetProperty("dispatch_id").GetString(), dispatched.GetProperty("after").GetProperty("dispatch_id").GetString());
        var requested = all.Single(e => e.GetProperty("action").GetString() == "incident.regression_run_requested");
        Assert.Equal("regression_run:" + run.Body.GetProperty("id").GetString(), requested.GetProperty("target").GetString());
        var created = all.Single(e => e.GetProperty("action").GetString() == "key.created");
        Assert.Equal("key:" + client.KeyId, created.GetProperty("target").GetString());
        Assert.DoesNotContain(client.Token, created.GetRawText());
    }

    [Fact]
    public async Task the_log_filters_pages_and_stays_inside_the_project()
    {
        var (client, id, _) = await RegressionRuns.IncidentAsync(app);
        var sibling = await app.NewClientAsync(workspace: client.Workspace, project: "beta");
        foreach (var owner in new[] { "a", "b", "c" }) await client.Patch(id, $"{{\"owner\":\"{owner}\"}}");

        var updates = Entries(await client.Get("/api/audit-logs?action=incident.updated"));
        Assert.Equal(["c", "b", "a"], updates.Select(e => e.GetProperty("after").GetProperty("owner").GetString()));
        Assert.Equal(3, Entries(await client.Get($"/api/audit-logs?target=incident:{id}")).Count);
        Assert.All(Entries(await client.Get($"/api/audit-logs?actor={client.Actor()}")), e => Assert.Equal(client.Actor(), e.GetProperty("actor").GetString()));
        Assert.Equal(3, Entries(await client.Get($"/api/audit-logs?actor={client.Actor()}&action=incident.updated")).Count);
        Assert.Empty(Entries(await client.Get($"/api/audit-logs?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}")));

        var first = await client.Get("/api/audit-logs?action=incident.updated&limit=2");
        Assert.Equal(2, Entries(first).Count);
        var next = await client.Get($"/api/audit-logs?action=incident.updated&limit=2&cursor={first.Body.GetProperty("next_cursor").GetString()}");
        Assert.Equal("a", Entries(next).Single().GetProperty("after").GetProperty("owner").GetString());
        Assert.Equal(JsonValueKind.Null, next.Body.GetProperty("next_cursor").ValueKind);

        Assert.Empty(Entries(await sibling.Get("/api/audit-logs?action=incident.updated")));
        Assert.Equal(404, (await sibling.Get($"/api/audit-logs?project_id={client.Project}")).Status);
        Assert.Equal(422, (await client.Get("/api/audit-logs?cursor=42")).Status);
        Assert.Equal(422, (await client.Get("/api/audit-logs?limit=0")).Status);
    }

    [Fact]
    public async Task key_revocation_is_audited()
    {
        var client = await app.NewClientAsync();
        var doomed = await app.NewClientAsync(workspace: client.Workspace, project: client.Project);
        Assert.True(await app.Host.Services.GetRequiredService<KeyIssuer>().RevokeAsync(doomed.KeyId, default));
        var revoked = Entries(await client.Get("/api/audit-logs?action=key.revoked")).Single();
        Assert.Equal("key:" + doomed.KeyId, revoked.GetProperty("target").GetString());
        Assert.Equal("cli", revoked.GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Null, revoked.GetProperty("before").GetProperty("revoked_at").ValueKind);
        Assert.Equal(JsonValueKind.String, revoked.GetProperty("after").GetProperty("revoked_at").ValueKind);
    }
}
