using Tracing.Domain.Access;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Access;

/// <summary>Workspace admins manage projects and keys over HTTP; nobody else can.</summary>
[Collection(ApiCollection.Name)]
public sealed class ManagingProjectsAndKeys(AppFixture app)
{
    private static string NewWorkspace() => "ws-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task an_admin_creates_a_project_issues_a_key_shown_once_and_revokes_it_at_once()
    {
        var ws = NewWorkspace();
        var admin = app.ConsoleClient(ws, Roles.Admin);

        var created = await admin.Post("/api/projects", new { id = "web" });
        Assert.Equal(201, created.Status);
        Assert.Equal("web", created.Body.GetProperty("id").GetString());
        Assert.Equal(ws, created.Body.GetProperty("workspace_id").GetString());
        Assert.Equal(200, (await admin.Post("/api/projects", new { id = "web" })).Status);

        var issued = await admin.Post("/api/projects/web/keys", new { name = "ci", scopes = new[] { "traces:write" } });
        Assert.Equal(201, issued.Status);
        Assert.Equal("no-store", issued.Headers["Cache-Control"]);
        var token = issued.Body.GetProperty("key").GetString()!;
        var keyId = issued.Body.GetProperty("id").GetString()!;
        Assert.StartsWith("trk_" + keyId + "_", token);
        Assert.Equal(["traces:write"], issued.Body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var key = new TestClient(app.Host, token, ws, "web", keyId);
        Assert.Equal(201, (await key.Post("/api/traces", new { id = "s1" })).Status);
        Assert.Equal(403, (await key.Get("/api/sessions")).Status); // write-only key

        var stored = await Database.QueryAsync($"select data::text from {AppFixture.Schema}.mt_doc_apikey where id = $1", r => r.GetString(0), keyId);
        Assert.True(ApiKeyFormat.TryParse(token, out _, out var secret)); // base64url secrets may contain '_' themselves
        Assert.DoesNotContain(secret, stored.Single());

        Assert.Equal(204, (await admin.Send("DELETE", $"/api/keys/{keyId}", null, "")).Status);
        Assert.Equal(401, (await key.Post("/api/traces", new { id = "s2" })).Status); // this node forgot it at once
        Assert.Equal(204, (await admin.Send("DELETE", $"/api/keys/{keyId}", null, "")).Status);
    }

    [Fact]
    public async Task a_key_without_a_body_gets_the_default_scopes()
    {
        var owner = await app.NewClientAsync(project: "web");
        var issued = await app.ConsoleClient(owner.Workspace, Roles.Admin).Send("POST", "/api/projects/web/keys", null, "");
        Assert.Equal(201, issued.Status);
        Assert.Equal(ApiKeyFormat.DefaultScopes, issued.Body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task admins_act_only_inside_their_workspace()
    {
        var mine = await app.NewClientAsync(project: "web");
        var theirs = await app.NewClientAsync(project: "web");
        var admin = app.ConsoleClient(mine.Workspace, Roles.Admin);

        Assert.Equal(404, (await admin.Post("/api/projects/ghost/keys", new { })).Status);
        Assert.Equal(404, (await admin.Send("DELETE", $"/api/keys/{theirs.KeyId}", null, "")).Status);
        Assert.Equal(404, (await admin.Send("DELETE", "/api/keys/not-a-key-id", null, "")).Status);
        Assert.Equal(200, (await theirs.Get("/api/sessions")).Status);

        // The other workspace's admin creating "web" creates its own project, not ours.
        var created = await app.ConsoleClient(theirs.Workspace, Roles.Admin).Post("/api/projects/web/keys", new { });
        Assert.Equal(theirs.Workspace, created.Body.GetProperty("workspace_id").GetString());
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    [InlineData("key")]
    [InlineData("service")]
    public async Task only_admins_manage_projects_and_keys(string who)
    {
        var owner = await app.NewClientAsync(project: "web");
        var bearer = who switch
        {
            "key" => owner.Token,
            "service" => AppFixture.ServiceToken,
            _ => TestKeys.Hs256(owner.Workspace, who),
        };
        var headers = new Dictionary<string, string> { ["X-Tracing-Workspace"] = owner.Workspace, ["X-Tracing-Project"] = "web" };
        Assert.Equal(403, (await owner.Send("POST", "/api/projects", """{"id":"new"}""", "application/json", bearer, headers)).Status);
        Assert.Equal(403, (await owner.Send("POST", "/api/projects/web/keys", "{}", "application/json", bearer, headers)).Status);
        Assert.Equal(403, (await owner.Send("DELETE", $"/api/keys/{owner.KeyId}", null, "", bearer, headers)).Status);
        Assert.Equal(200, (await owner.Get("/api/sessions")).Status);
    }

    [Fact]
    public async Task a_key_record_with_elevated_scopes_grants_only_key_scopes()
    {
        var client = await app.NewClientAsync(scopes: ["traces:read", "admin", "service"]);
        Assert.Equal(403, (await client.Post("/api/projects", new { id = "x" })).Status);
        Assert.Equal(200, (await client.Get("/api/sessions")).Status);
    }

    [Fact]
    public async Task a_member_creates_sessions_in_a_project_an_admin_made()
    {
        var ws = NewWorkspace();
        Assert.Equal(201, (await app.ConsoleClient(ws, Roles.Admin).Post("/api/projects", new { id = "fresh" })).Status);
        var member = app.ConsoleClient(ws, Roles.Member, project: "fresh");
        Assert.Equal(201, (await member.Post("/api/traces", new { id = "s" })).Status);
        Assert.Equal(200, (await member.Append("s", Ev(1))).Status);
    }
}
