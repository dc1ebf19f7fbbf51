using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Sessions;

[Collection(ApiCollection.Name)]
public sealed class CreatingSessions(AppFixture app)
{
    [Fact]
    public async Task a_new_session_is_201_with_location_and_the_session()
    {
        var client = await app.NewClientAsync();
        var reply = await client.Post("/api/traces", new { id = "run-1", agent = "planner", name = "first", metadata = new { env = "dev" } });

        Assert.Equal(201, reply.Status);
        Assert.Equal("/api/traces/run-1", reply.Headers["Location"]);
        Assert.Equal("run-1", reply.Body.GetProperty("id").GetString());
        Assert.Equal(client.Project, reply.Body.GetProperty("project_id").GetString());
        Assert.Equal("planner", reply.Body.GetProperty("agent").GetString());
        Assert.Equal("active", reply.Body.GetProperty("status").GetString());
        Assert.Equal("dev", reply.Body.GetProperty("metadata").GetProperty("env").GetString());
    }

    [Fact]
    public async Task an_identical_repeat_is_200_with_the_same_session_and_different_content_is_409()
    {
        var client = await app.NewClientAsync();
        var body = new { id = "run-2", agent = "planner", metadata = new { a = 1, b = 2 } };
        Assert.Equal(201, (await client.Post("/api/traces", body)).Status);

        var repeat = await client.Post("/api/traces", body);
        Assert.Equal(200, repeat.Status);
        Assert.Equal("run-2", repeat.Body.GetProperty("id").GetString());

        var conflict = await client.Post("/api/traces", new { id = "run-2", agent = "other" });
        Assert.Equal(409, conflict.Status);
        Assert.Equal("application/problem+json", conflict.ContentType);
    }

    [Fact]
    public async Task without_an_id_the_server_generates_a_sortable_valid_one()
    {
        var client = await app.NewClientAsync();
        var first = await client.CreateSession();
        var second = await client.CreateSession();
        Assert.StartsWith("ses_", first);
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", first);
        Assert.NotEqual(first, second);
        Assert.True(string.CompareOrdinal(first[..16], second[..16]) <= 0, "ids sort by creation time");
    }

    [Theory]
    [InlineData("""{"id":"bad id with spaces"}""", "id")]
    [InlineData("""{"id":""}""", "id")]
    [InlineData("""{"agent":42}""", "agent")]
    [InlineData("""{"metadata":[1,2]}""", "metadata")]
    [InlineData("""{"started_at":"yesterday"}""", "started_at")]
    [InlineData("""[1,2,3]""", "body")]
    public async Task an_invalid_body_is_422_naming_the_field(string body, string field)
    {
        var client = await app.NewClientAsync();
        var reply = await client.Post("/api/traces", body);
        Assert.Equal(422, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal(field, reply.Body.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task an_id_of_129_characters_is_422()
    {
        var client = await app.NewClientAsync();
        var reply = await client.Post("/api/traces", new { id = new string('a', 129) });
        Assert.Equal(422, reply.Status);
    }

    [Fact]
    public async Task malformed_json_is_400_and_a_wrong_media_type_is_415()
    {
        var client = await app.NewClientAsync();
        var malformed = await client.Send("POST", "/api/traces", "{\"id\": ", "application/json");
        Assert.Equal(400, malformed.Status);
        Assert.Equal("application/problem+json", malformed.ContentType);

        var wrongType = await client.Send("POST", "/api/traces", "id=1", "text/plain");
        Assert.Equal(415, wrongType.Status);
    }

    [Fact]
    public async Task the_same_id_in_another_project_or_workspace_is_a_different_session()
    {
        var a = await app.NewClientAsync(project: "alpha");
        var b = await app.NewClientAsync(workspace: a.Workspace, project: "beta");
        var c = await app.NewClientAsync(project: "alpha");
        await a.CreateSession("shared-id");
        Assert.Equal(201, (await b.Post("/api/traces", new { id = "shared-id", agent = "b" })).Status);
        Assert.Equal(201, (await c.Post("/api/traces", new { id = "shared-id", agent = "c" })).Status);
    }

    [Fact]
    public async Task a_session_is_readable_right_after_create_and_404_outside_the_project_or_workspace()
    {
        var owner = await app.NewClientAsync(project: "alpha");
        var sibling = await app.NewClientAsync(workspace: owner.Workspace, project: "beta");
        var stranger = await app.NewClientAsync(project: "alpha");
        var id = await owner.CreateSession();

        var mine = await owner.Get($"/api/traces/{id}");
        Assert.Equal(200, mine.Status);
        Assert.Equal(id, mine.Body.GetProperty("id").GetString());

        Assert.Equal(404, (await sibling.Get($"/api/traces/{id}")).Status);
        Assert.Equal(404, (await stranger.Get($"/api/traces/{id}")).Status);
        Assert.Equal(404, (await stranger.Get($"/api/traces/{id}/events")).Status);
    }
}
