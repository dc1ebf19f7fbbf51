using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Artifacts;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Artifacts;

/// <summary>Register mode: a trusted server-side process put the object in the store; the service credential registers it.</summary>
[Collection(ApiCollection.Name)]
public sealed class RegisteringArtifacts(AppFixture app)
{
    private IArtifactStore Store => app.Host.Services.GetRequiredService<IArtifactStore>();

    private static Dictionary<string, string> ServiceHeaders(TestClient client) => new()
    {
        ["X-Tracing-Workspace"] = client.Workspace, ["X-Tracing-Project"] = client.Project,
    };

    private static object Body(StoredObject o, string type = "video/webm", long? size = null, string? sha = null, long? seq = 1) => new
    {
        storage_path = o.StoragePath, content_type = type, size = size ?? o.Size, sha256 = sha ?? o.Sha256, kind = "replay", seq,
    };

    private static byte[] WebM(int size = 3000)
    {
        var bytes = new byte[size];
        new Random(3).NextBytes(bytes);
        byte[] header = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, (byte)'w', (byte)'e', (byte)'b', (byte)'m'];
        header.CopyTo(bytes, 0);
        return bytes;
    }

    private async Task<(ArtifactHttp Http, string Session, StoredObject Stored)> Prepared(byte[]? content = null)
    {
        var client = await app.NewClientAsync();
        var session = await client.CreateSession();
        var stored = await Store.PutAsync(new MemoryStream(content ?? WebM()), default);
        return (new ArtifactHttp(app.Host, client), session, stored);
    }

    private Task<RawReply> Register(ArtifactHttp http, string session, object body, string? bearer = AppFixture.ServiceToken,
        Dictionary<string, string>? headers = null) =>
        http.Send("POST", $"/api/traces/{session}/artifacts", new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(body)),
            "application/json", bearer, headers ?? ServiceHeaders(http.Client));

    [Fact]
    public async Task the_service_credential_registers_a_stored_object_which_then_replays_and_downloads()
    {
        var content = WebM();
        var (http, session, stored) = await Prepared(content);
        await http.Client.Append(session, TestClient.Ev(1));

        var reply = await Register(http, session, Body(stored));

        Assert.Equal(201, reply.Status);
        Assert.Equal(stored.StoragePath, reply.Json.GetProperty("storage_path").GetString());
        Assert.Equal("video/webm", reply.Json.GetProperty("content_type").GetString());
        Assert.Equal(2, reply.Json.GetProperty("event_seq").GetInt64());
        var events = await http.Client.ReadAll(session);
        Assert.Equal("artifact.registered", events[^1].GetProperty("type").GetString());

        var (_, download) = await http.Download(reply.Json.GetProperty("artifact_id").GetString()!);
        Assert.Equal(content, download.Body);
        Assert.Equal("video/webm", download.ContentType);
    }

    [Fact]
    public async Task an_api_key_cannot_use_register_mode_403()
    {
        var (http, session, stored) = await Prepared();
        var reply = await Register(http, session, Body(stored), bearer: null, headers: []);
        Assert.Equal(403, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
    }

    [Fact]
    public async Task the_object_must_exist_and_match_size_and_hash_else_422()
    {
        var (http, session, stored) = await Prepared();
        var absent = ArtifactHttp.Sha256(Encoding.UTF8.GetBytes("never stored " + Guid.NewGuid()));
        var absentPath = $"sha256/{absent[..2]}/{absent[2..4]}/{absent}";

        // An object whose bytes do not hash to its address (damaged, or put there by mistake).
        var damaged = ArtifactHttp.Sha256(Encoding.UTF8.GetBytes("damaged " + Guid.NewGuid()));
        var damagedPath = $"sha256/{damaged[..2]}/{damaged[2..4]}/{damaged}";
        var onDisk = Path.Combine(app.DataDir, "artifacts", damagedPath);
        Directory.CreateDirectory(Path.GetDirectoryName(onDisk)!);
        await File.WriteAllBytesAsync(onDisk, WebM(100));

        foreach (var (body, field) in new (object, string)[]
                 {
                     (Body(new StoredObject(absentPath, absent, 10)), "storage_path"),
                     (Body(stored, size: stored.Size + 1), "size"),
                     (Body(new StoredObject(damagedPath, damaged, 100)), "sha256"),
                     (Body(stored, sha: absent), "storage_path"),
                     (new { storage_path = "../../etc/passwd", content_type = "text/plain", size = 1, sha256 = stored.Sha256, kind = "log" }, "storage_path"),
                     (Body(stored, seq: 0), "seq"),
                 })
        {
            var reply = await Register(http, session, body);
            Assert.True(reply.Status == 422, $"{JsonSerializer.Serialize(body)}: {reply.Status}");
            Assert.Equal(field, reply.Json.GetProperty("errors")[0].GetProperty("field").GetString());
        }
        Assert.Equal(415, (await Register(http, session, Body(stored, type: "image/png"))).Status);
        Assert.Equal(422, (await Register(http, session, Body(stored, type: "application/pdf"))).Status);
    }

    [Fact]
    public async Task the_service_credential_needs_its_headers_and_the_exact_token()
    {
        var (http, session, stored) = await Prepared();
        Assert.Equal(401, (await Register(http, session, Body(stored), headers: [])).Status);
        Assert.Equal(401, (await Register(http, session, Body(stored), bearer: AppFixture.ServiceToken + "x")).Status);
        Assert.Equal(401, (await Register(http, session, Body(stored), bearer: AppFixture.ServiceToken[..^1])).Status);
    }

    [Fact]
    public async Task the_service_credential_is_accepted_only_for_register_mode()
    {
        var (http, session, _) = await Prepared();
        var headers = ServiceHeaders(http.Client);
        Assert.Equal(403, (await http.Send("GET", "/api/sessions", bearer: AppFixture.ServiceToken, headers: headers)).Status);
        Assert.Equal(403, (await http.Send("GET", $"/api/traces/{session}/events", bearer: AppFixture.ServiceToken, headers: headers)).Status);
        Assert.Equal(403, (await http.Send("POST", $"/api/traces/{session}/artifacts?kind=screenshot",
            new MemoryStream(ArtifactHttp.Png()), "image/png", AppFixture.ServiceToken, headers)).Status);
    }

    [Fact]
    public async Task the_service_credential_sees_only_the_workspace_and_project_it_names()
    {
        var (http, session, stored) = await Prepared();
        var stranger = await app.NewClientAsync();
        var reply = await Register(http, session, Body(stored), headers: ServiceHeaders(stranger));
        Assert.Equal(404, reply.Status);
    }
}
