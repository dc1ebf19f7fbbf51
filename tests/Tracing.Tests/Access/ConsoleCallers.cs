using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Claims;
using Tracing.Api.Access;
using Tracing.Domain.Access;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Access;

/// <summary>Console (JWT) callers over HTTP: workspace-scoped, narrowed by project, scopes from their role.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConsoleCallers(AppFixture app)
{
    private static string[] Ids(Reply list) =>
        list.Body.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("project_id").GetString() + "/" + s.GetProperty("id").GetString())
            .Order().ToArray();

    [Fact]
    public async Task a_viewer_sees_every_project_of_its_workspace_and_a_project_filter_narrows()
    {
        var web = await app.NewClientAsync(project: "web");
        var api = await app.NewClientAsync(workspace: web.Workspace, project: "api");
        var stranger = await app.NewClientAsync(project: "web");
        await web.CreateSession("s1");
        await api.CreateSession("s1");
        await stranger.CreateSession("s2");
        await app.WaitForProjectionsAsync();

        var viewer = app.ConsoleClient(web.Workspace, Roles.Viewer);
        Assert.Equal(["api/s1", "web/s1"], Ids(await viewer.Get("/api/sessions")));
        Assert.Equal(["api/s1"], Ids(await viewer.Get("/api/sessions?project_id=api")));
        Assert.Equal(["web/s1"], Ids(await app.ConsoleClient(web.Workspace, Roles.Viewer, project: "web").Get("/api/sessions")));
    }

    [Fact]
    public async Task addressing_a_session_needs_the_project_named()
    {
        var owner = await app.NewClientAsync(project: "web");
        var id = await owner.CreateSession();
        await owner.Append(id, Ev(1));
        var viewer = app.ConsoleClient(owner.Workspace, Roles.Viewer);

        var unnamed = await viewer.Get($"/api/traces/{id}");
        Assert.Equal(422, unnamed.Status);
        Assert.Equal("project_id", unnamed.Body.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(422, (await viewer.Get($"/api/traces/{id}/events")).Status);
        Assert.Equal(422, (await viewer.Get($"/api/stream?session_id={id}")).Status);

        Assert.Equal(200, (await viewer.Get($"/api/traces/{id}?project_id=web")).Status);
        var events = await app.ConsoleClient(owner.Workspace, Roles.Viewer, project: "web").Get($"/api/traces/{id}/events");
        Assert.Equal(1, events.Body.GetProperty("data").GetArrayLength());

        var unknown = await viewer.Get($"/api/traces/{id}?project_id=nope");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("application/problem+json", unknown.ContentType);
        Assert.Equal(400, (await viewer.Get($"/api/traces/{id}?project_id=web", headers: new Dictionary<string, string> { ["X-Tracing-Project"] = "api" })).Status);
    }

    [Fact]
    public async Task a_viewer_cannot_write_a_member_can_within_a_named_project()
    {
        var owner = await app.NewClientAsync(project: "web");
        var viewer = app.ConsoleClient(owner.Workspace, Roles.Viewer, project: "web");
        Assert.Equal(403, (await viewer.Post("/api/traces", new { id = "v1" })).Status);

        var member = app.ConsoleClient(owner.Workspace, Roles.Member, project: "web", subject: "alice");
        var created = await member.Post("/api/traces", new { id = "m1", agent = "console" });
        Assert.True(201 == created.Status, created.Text);
        Assert.Equal(200, (await member.Append("m1", Ev(1))).Status);
        Assert.Single(await owner.ReadAll("m1"));

        Assert.Equal(422, (await app.ConsoleClient(owner.Workspace, Roles.Member).Post("/api/traces", new { id = "m2" })).Status);
        Assert.Equal(404, (await app.ConsoleClient(owner.Workspace, Roles.Member, project: "ghost").Post("/api/traces", new { id = "m3" })).Status);
    }

    [Fact]
    public async Task a_token_of_several_workspaces_must_name_one()
    {
        var a = await app.NewClientAsync();
        var b = await app.NewClientAsync();
        await b.CreateSession("in-b");
        await app.WaitForProjectionsAsync();
        var token = DevTokensFor((a.Workspace, "admin"), (b.Workspace, "viewer"));
        var client = new TestClient(app.Host, token, a.Workspace, "", "");

        var unnamed = await client.Get("/api/sessions");
        Assert.Equal(400, unnamed.Status);
        Assert.EndsWith("/workspace-required", unnamed.Body.GetProperty("type").GetString());
        Assert.Equal(["proj/in-b"], Ids(await client.Get($"/api/sessions?workspace_id={b.Workspace}")));
        Assert.Equal(["proj/in-b"], Ids(await client.Get("/api/sessions", headers: new Dictionary<string, string> { ["X-Tracing-Workspace"] = b.Workspace })));
        Assert.Equal(403, (await client.Post($"/api/traces?workspace_id={b.Workspace}&project_id=proj", new { id = "x" })).Status);
        var other = await client.Get("/api/sessions?workspace_id=ws-not-mine");
        Assert.Equal(403, other.Status);
        Assert.EndsWith("/not-a-member", other.Body.GetProperty("type").GetString());
    }

    private static string DevTokensFor(params (string Id, string Role)[] workspaces) =>
        DevTokens.Mint(TestKeys.JwtSecret, new Dictionary<string, object>
        {
            ["sub"] = "multi",
            ["app_metadata"] = System.Text.Json.JsonSerializer.SerializeToElement(new
            {
                workspaces = workspaces.Select(w => new { id = w.Id, role = w.Role }),
            }),
        }, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), issuer: TestKeys.Issuer);

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong-signature")]
    [InlineData("wrong-audience")]
    [InlineData("not-a-jwt.at.all")]
    public async Task invalid_tokens_are_401_problems(string kind)
    {
        var owner = await app.NewClientAsync();
        var token = kind switch
        {
            "expired" => TestKeys.Hs256(owner.Workspace, "admin", issuedAt: DateTimeOffset.UtcNow.AddHours(-2), ttl: TimeSpan.FromHours(1)),
            "wrong-signature" => TestKeys.Hs256(owner.Workspace, "admin", secret: "some-other-secret-of-sufficient-length-0123"),
            "wrong-audience" => TestKeys.Hs256(owner.Workspace, "admin", audience: "anon"),
            _ => kind,
        };
        var reply = await owner.Get("/api/sessions", bearer: token);
        Assert.Equal(401, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal("Bearer", reply.Headers["WWW-Authenticate"]);
        Assert.DoesNotContain(token, reply.Text);
        if (kind == "expired") Assert.Equal("The token has expired.", reply.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_token_without_a_role_in_any_workspace_is_403()
    {
        var owner = await app.NewClientAsync();
        var token = TestKeys.Hs256(owner.Workspace, "authenticated"); // Supabase's default role claim
        var reply = await owner.Get("/api/sessions", bearer: token);
        Assert.Equal(403, reply.Status);
        Assert.EndsWith("/no-workspace", reply.Body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task rs256_and_es256_tokens_from_the_jwks_document_are_accepted()
    {
        var owner = await app.NewClientAsync();
        await owner.CreateSession("k1");
        await app.WaitForProjectionsAsync();
        foreach (var token in new[]
                 {
                     TestKeys.Shared.SignRs256(TestKeys.Claims(owner.Workspace, "viewer")),
                     TestKeys.Shared.SignEs256(TestKeys.Claims(owner.Workspace, "viewer")),
                 })
            Assert.Equal(["proj/k1"], Ids(await owner.Get("/api/sessions", bearer: token)));
    }

    [Fact]
    public async Task a_console_caller_downloads_any_artifact_of_its_workspace_without_naming_the_project()
    {
        var owner = await app.NewClientAsync(project: "web");
        var id = await owner.CreateSession();
        var upload = await owner.Send("POST", $"/api/traces/{id}/artifacts?kind=log", "hello", "text/plain");
        Assert.Equal(201, upload.Status);
        var artifact = upload.Body.GetProperty("artifact_id").GetString();

        Assert.Equal(302, (await app.ConsoleClient(owner.Workspace, Roles.Viewer).Get($"/artifacts/{artifact}")).Status);
        Assert.Equal(404, (await app.ConsoleClient(owner.Workspace, Roles.Viewer, project: "other").Get($"/artifacts/{artifact}")).Status);
        var stranger = await app.NewClientAsync();
        Assert.Equal(404, (await app.ConsoleClient(stranger.Workspace, Roles.Admin).Get($"/artifacts/{artifact}")).Status);
    }

    [Theory]
    [InlineData("viewer", false)]
    [InlineData("member", true)]
    [InlineData("admin", true)]
    [InlineData("key:read", false)]
    [InlineData("key:write", true)]
    [InlineData("service", false)]
    public async Task incident_changes_need_a_member_or_a_writing_key(string who, bool allowed)
    {
        var scopes = who switch
        {
            "key:read" => [Scopes.Read],
            "key:write" => [Scopes.Read, Scopes.Write],
            "service" => [Scopes.Service],
            _ => Roles.ScopesOf(who),
        };
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            scopes.Select(s => new Claim(Caller.ScopeClaim, s)).Append(new Claim(Caller.WorkspaceClaim, "w")), "Bearer"));
        var authz = app.Host.Services.GetRequiredService<IAuthorizationService>();
        Assert.Equal(allowed, (await authz.AuthorizeAsync(user, AccessSetup.IncidentsWrite)).Succeeded);
    }
}
