using System.Text;
using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Artifacts;

[Collection(ApiCollection.Name)]
public sealed class UploadingArtifacts(AppFixture app)
{
    private async Task<(ArtifactHttp Http, string Session)> NewSession()
    {
        var client = await app.NewClientAsync();
        return (new ArtifactHttp(app.Host, client), await client.CreateSession());
    }

    private string OnDisk(string storagePath) => Path.Combine(app.DataDir, "artifacts", storagePath);

    private IEnumerable<string> TempFiles() =>
        Directory.Exists(Path.Combine(app.DataDir, "artifacts", "tmp"))
            ? Directory.EnumerateFiles(Path.Combine(app.DataDir, "artifacts", "tmp")) : [];

    [Fact]
    public async Task a_multipart_upload_is_stored_by_content_address_and_answers_201_with_the_record()
    {
        var (http, session) = await NewSession();
        await http.Client.Append(session, Ev(1), Ev(2));
        var png = ArtifactHttp.Png(5000);

        var reply = await http.UploadMultipart(session, png, "step-2.png", "image/png", kind: "screenshot", seq: "2");

        Assert.True(201 == reply.Status, Encoding.UTF8.GetString(reply.Body));
        var body = reply.Json;
        var sha = ArtifactHttp.Sha256(png);
        var id = body.GetProperty("artifact_id").GetString()!;
        Assert.Matches("^art_[0-9a-f]{24}$", id);
        Assert.Equal($"/artifacts/{id}", reply.Header("Location"));
        Assert.Equal(sha, body.GetProperty("sha256").GetString());
        Assert.Equal($"sha256/{sha[..2]}/{sha[2..4]}/{sha}", body.GetProperty("storage_path").GetString());
        Assert.Equal(5000, body.GetProperty("size").GetInt64());
        Assert.Equal("image/png", body.GetProperty("content_type").GetString());
        Assert.Equal("screenshot", body.GetProperty("kind").GetString());
        Assert.Equal(2, body.GetProperty("seq").GetInt64());
        Assert.Equal(3, body.GetProperty("event_seq").GetInt64());
        Assert.Equal(session, body.GetProperty("session_id").GetString());
        Assert.DoesNotContain("url", body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(png, await File.ReadAllBytesAsync(OnDisk(body.GetProperty("storage_path").GetString()!)));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task a_raw_body_upload_takes_its_content_type_from_the_header_and_kind_and_seq_from_the_query()
    {
        var (http, session) = await NewSession();
        var json = Encoding.UTF8.GetBytes("""{"dom":"<div/>","nodes":[1,2,3]}""");

        var reply = await http.UploadRaw(session, json, "application/json; charset=utf-8", "kind=dom&seq=7");

        Assert.Equal(201, reply.Status);
        Assert.Equal("application/json", reply.Json.GetProperty("content_type").GetString());
        Assert.Equal("dom", reply.Json.GetProperty("kind").GetString());
        Assert.Equal(7, reply.Json.GetProperty("seq").GetInt64());
        Assert.Equal(json.Length, reply.Json.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task a_raw_body_without_a_content_type_is_recognised_by_its_signature()
    {
        var (http, session) = await NewSession();
        var reply = await http.UploadRaw(session, ArtifactHttp.Jpeg(), null, "kind=screenshot");
        Assert.Equal(201, reply.Status);
        Assert.Equal("image/jpeg", reply.Json.GetProperty("content_type").GetString());
    }

    [Fact]
    public async Task an_upload_over_the_limit_is_413_and_nothing_is_kept()
    {
        var (http, session) = await NewSession();
        var before = Directory.Exists(Path.Combine(app.DataDir, "artifacts", "sha256"))
            ? Directory.GetFiles(Path.Combine(app.DataDir, "artifacts", "sha256"), "*", SearchOption.AllDirectories).Length : 0;
        const long tooBig = 25L * 1024 * 1024 + 1;

        // No Content-Length: the limit is enforced while streaming, and the partial temp file is deleted.
        var streamed = await http.Send("POST", $"/api/traces/{session}/artifacts?kind=replay", new GeneratedBody(tooBig), "image/png");
        // Declared Content-Length: refused before reading.
        var declared = await http.Send("POST", $"/api/traces/{session}/artifacts?kind=replay", new GeneratedBody(tooBig), "image/png",
            contentLength: tooBig);

        foreach (var reply in new[] { streamed, declared })
        {
            Assert.Equal(413, reply.Status);
            Assert.Equal("application/problem+json", reply.ContentType);
        }
        Assert.Empty(TempFiles());
        var after = Directory.Exists(Path.Combine(app.DataDir, "artifacts", "sha256"))
            ? Directory.GetFiles(Path.Combine(app.DataDir, "artifacts", "sha256"), "*", SearchOption.AllDirectories).Length : 0;
        Assert.Equal(before, after);
        Assert.Empty((await http.Client.ReadAll(session)));
    }

    [Fact]
    public async Task a_multipart_file_part_over_the_limit_is_413_and_nothing_is_kept()
    {
        var (http, session) = await NewSession();
        var reply = await http.UploadMultipart(session, ArtifactHttp.Png(25 * 1024 * 1024 + 1), "big.png", "image/png", kind: "replay");
        Assert.Equal(413, reply.Status);
        Assert.Empty(TempFiles());
    }

    [Theory]
    [InlineData("application/pdf")]
    [InlineData("image/svg+xml")]
    [InlineData("application/x-msdownload")]
    public async Task a_type_outside_the_allow_list_is_415(string type)
    {
        var (http, session) = await NewSession();
        var raw = await http.UploadRaw(session, Encoding.UTF8.GetBytes("%PDF-1.7 <svg onload=alert(1)>"), type);
        var multipart = await http.UploadMultipart(session, Encoding.UTF8.GetBytes("%PDF-1.7"), "file.bin", type);
        Assert.Equal(415, raw.Status);
        Assert.Equal(415, multipart.Status);
        Assert.Equal("application/problem+json", multipart.ContentType);
        Assert.Empty(TempFiles());
    }

    [Theory]
    [InlineData("shot.png", "image/png")]
    [InlineData("shot.png", "application/octet-stream")]
    [InlineData("shot.png", null)]
    [InlineData("shot.bin", "image/png")]
    public async Task a_file_named_or_declared_png_whose_bytes_are_not_png_is_415(string fileName, string? type)
    {
        var (http, session) = await NewSession();
        var reply = await http.UploadMultipart(session, Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), fileName, type);
        Assert.Equal(415, reply.Status);
        Assert.Contains("image/png", reply.Json.GetProperty("detail").GetString());
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task unrecognisable_bytes_without_a_declared_type_are_415()
    {
        var (http, session) = await NewSession();
        Assert.Equal(415, (await http.UploadRaw(session, [0x00, 0x01, 0x02, 0x03], null)).Status);
    }

    [Fact]
    public async Task identical_content_is_stored_once_with_two_artifact_records()
    {
        var (http, session) = await NewSession();
        var png = ArtifactHttp.Png(3000, seed: 42);

        var first = await http.UploadMultipart(session, png);
        var second = await http.UploadRaw(session, png, "image/png");

        Assert.Equal(201, first.Status);
        Assert.Equal(201, second.Status);
        Assert.NotEqual(first.Json.GetProperty("artifact_id").GetString(), second.Json.GetProperty("artifact_id").GetString());
        var path = first.Json.GetProperty("storage_path").GetString()!;
        Assert.Equal(path, second.Json.GetProperty("storage_path").GetString());
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(OnDisk(path))!));
        Assert.Empty(TempFiles());
        var docs = await Database.QueryAsync($"select count(*) from {AppFixture.Schema}.mt_doc_artifact where tenant_id = $1",
            r => r.GetInt64(0), http.Client.Workspace);
        Assert.Equal(2, docs.Single());
    }

    [Fact]
    public async Task identical_uploads_racing_in_parallel_store_one_object_and_lose_nothing()
    {
        var (http, session) = await NewSession();
        var png = ArtifactHttp.Png(200_000, seed: 77);
        var replies = await Race.AllAtOnceAsync(8, i => i % 2 == 0 ? http.UploadRaw(session, png, "image/png") : http.UploadMultipart(session, png));

        Assert.All(replies, r => Assert.True(r.Status == 201, $"{r.Status} {System.Text.Encoding.UTF8.GetString(r.Body)}"));
        var paths = replies.Select(r => r.Json.GetProperty("storage_path").GetString()!).Distinct().ToList();
        var path = Assert.Single(paths);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(OnDisk(path))!));
        Assert.Equal(png, await File.ReadAllBytesAsync(OnDisk(path)));
        Assert.Empty(TempFiles());
        Assert.Equal(8, replies.Select(r => r.Json.GetProperty("artifact_id").GetString()).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), replies.Select(r => r.Json.GetProperty("event_seq").GetInt64()).Order());
    }

    [Fact]
    public async Task the_artifact_event_is_replayed_in_seq_order_and_the_session_goes_on_after_it()
    {
        var (http, session) = await NewSession();
        await http.Client.Append(session, Ev(1), Ev(2, "tool.call", new { tool = "browser" }));
        var upload = await http.UploadMultipart(session, ArtifactHttp.Png(), kind: "screenshot", seq: "2");
        var artifactId = upload.Json.GetProperty("artifact_id").GetString();

        var next = await http.Client.Append(session, Ev(4));
        var events = await http.Client.ReadAll(session);

        Assert.Equal(200, next.Status);
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => e.GetProperty("seq").GetInt64()));
        var recorded = events[2];
        Assert.Equal("artifact.registered", recorded.GetProperty("type").GetString());
        Assert.Equal($"artifact:{artifactId}", recorded.GetProperty("idempotency_key").GetString());
        var payload = recorded.GetProperty("payload");
        Assert.Equal(artifactId, payload.GetProperty("artifact_id").GetString());
        Assert.Equal(2, payload.GetProperty("seq").GetInt64());
        foreach (var field in new[] { "storage_path", "sha256", "size", "content_type", "kind" })
            Assert.Equal(upload.Json.GetProperty(field).GetRawText(), payload.GetProperty(field).GetRawText());
    }

    [Fact]
    public async Task concurrent_uploads_to_one_session_each_get_their_own_next_seq()
    {
        var (http, session) = await NewSession();
        await http.Client.Append(session, Ev(1));

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => http.UploadRaw(session, ArtifactHttp.Png(1000, seed: i), "image/png")));

        Assert.All(replies, r => Assert.Equal(201, r.Status));
        Assert.Equal(Enumerable.Range(2, 8).Select(i => (long)i), replies.Select(r => r.Json.GetProperty("event_seq").GetInt64()).Order());
        Assert.Equal(9, (await http.Client.ReadAll(session)).Count);
    }

    [Fact]
    public async Task an_artifact_in_a_session_without_events_takes_seq_1()
    {
        var (http, session) = await NewSession();
        var reply = await http.UploadRaw(session, Encoding.UTF8.GetBytes("agent log line\n"), "text/plain", "kind=log");
        Assert.Equal(201, reply.Status);
        Assert.Equal(1, reply.Json.GetProperty("event_seq").GetInt64());
        Assert.Equal(JsonValueKind.Null, reply.Json.GetProperty("seq").ValueKind);
    }

    [Theory]
    [InlineData("picture", null)]
    [InlineData(null, null)]
    [InlineData("screenshot", "0")]
    [InlineData("screenshot", "abc")]
    public async Task a_bad_kind_or_seq_is_422(string? kind, string? seq)
    {
        var (http, session) = await NewSession();
        var query = string.Join("&", new[] { kind is null ? null : $"kind={kind}", seq is null ? null : $"seq={seq}" }.OfType<string>());
        Assert.Equal(422, (await http.UploadRaw(session, ArtifactHttp.Png(), "image/png", query)).Status);
        Assert.Equal(422, (await http.UploadMultipart(session, ArtifactHttp.Png(), kind: kind, seq: seq)).Status);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task malformed_or_incomplete_requests_are_4xx_never_500()
    {
        var (http, session) = await NewSession();
        var url = $"/api/traces/{session}/artifacts";
        var noBoundary = await http.Send("POST", url, new MemoryStream("x"u8.ToArray()), "multipart/form-data");
        var cutOff = await http.Send("POST", url, new MemoryStream("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n\u0089PNG"u8.ToArray()),
            "multipart/form-data; boundary=b");
        var noFile = await http.Send("POST", url, new MemoryStream("--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nlog\r\n--b--\r\n"u8.ToArray()),
            "multipart/form-data; boundary=b");
        var empty = await http.UploadRaw(session, [], "text/plain", "kind=log");

        Assert.Equal(400, noBoundary.Status);
        Assert.Equal(400, cutOff.Status);
        Assert.Equal(422, noFile.Status);
        Assert.Equal(422, empty.Status);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task an_unknown_session_or_a_read_only_key_cannot_upload()
    {
        var (http, _) = await NewSession();
        Assert.Equal(404, (await http.UploadMultipart("no-such-session", ArtifactHttp.Png())).Status);
        var reader = new ArtifactHttp(app.Host, await app.NewClientAsync(scopes: ["traces:read"]));
        Assert.Equal(403, (await reader.UploadMultipart("any", ArtifactHttp.Png())).Status);
    }
}
