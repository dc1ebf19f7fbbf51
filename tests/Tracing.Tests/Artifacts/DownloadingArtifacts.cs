using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Tracing.Domain.Artifacts;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Artifacts;

[Collection(ApiCollection.Name)]
public sealed class DownloadingArtifacts(AppFixture app)
{
    private async Task<(ArtifactHttp Http, string ArtifactId, byte[] Bytes)> Uploaded(byte[]? bytes = null, string type = "image/png",
        string kind = "screenshot")
    {
        var client = await app.NewClientAsync();
        var http = new ArtifactHttp(app.Host, client);
        var session = await client.CreateSession();
        bytes ??= ArtifactHttp.Png(4096, seed: 7);
        var reply = await http.UploadRaw(session, bytes, type, $"kind={kind}");
        Assert.True(201 == reply.Status, System.Text.Encoding.UTF8.GetString(reply.Body));
        return (http, reply.Json.GetProperty("artifact_id").GetString()!, bytes);
    }

    private static string Signed(string artifactId, long exp, string workspace) =>
        $"/artifacts/{artifactId}/content?exp={exp}&ws={workspace}&sig=" +
        UrlSignature.Sign(Encoding.UTF8.GetBytes(AppFixture.SigningSecret), artifactId, exp, workspace);

    [Fact]
    public async Task get_redirects_to_a_signed_link_that_serves_the_bytes_with_safe_headers()
    {
        var (http, id, bytes) = await Uploaded();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var (redirect, download) = await http.Download(id);

        Assert.Equal(302, redirect.Status);
        var location = redirect.Header("Location");
        Assert.StartsWith($"/artifacts/{id}/content?", location);
        var query = QueryHelpers.ParseQuery(location[location.IndexOf('?')..]);
        var exp = long.Parse(query["exp"]!, CultureInfo.InvariantCulture);
        Assert.InRange(exp, before + 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        Assert.Equal(http.Client.Workspace, query["ws"]);
        Assert.DoesNotContain(http.Client.Token, location);

        Assert.Equal(200, download.Status);
        Assert.Equal(bytes, download.Body);
        Assert.Equal("image/png", download.ContentType);
        Assert.Equal("nosniff", download.Header("X-Content-Type-Options"));
        Assert.Equal("private", download.Header("Cache-Control"));
        Assert.Equal($"inline; filename={id}.png", download.Header("Content-Disposition"));
        Assert.Equal("bytes", download.Header("Accept-Ranges"));
    }

    [Fact]
    public async Task html_is_only_ever_a_download()
    {
        var html = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>");
        var (http, id, _) = await Uploaded(html, "text/html", "dom");

        var (_, download) = await http.Download(id);

        Assert.Equal(200, download.Status);
        Assert.Equal("application/octet-stream", download.ContentType);
        Assert.Equal($"attachment; filename={id}.html", download.Header("Content-Disposition"));
        Assert.Equal("nosniff", download.Header("X-Content-Type-Options"));
        Assert.Contains("sandbox", download.Header("Content-Security-Policy"));
    }

    [Fact]
    public async Task a_range_request_is_206_with_exactly_those_bytes()
    {
        var (http, id, bytes) = await Uploaded();

        var (_, part) = await http.Download(id, new Dictionary<string, string> { ["Range"] = "bytes=100-1123" });

        Assert.Equal(206, part.Status);
        Assert.Equal($"bytes 100-1123/{bytes.Length}", part.Header("Content-Range"));
        Assert.Equal(bytes[100..1124], part.Body);
    }

    private static Dictionary<string, string> H(params (string Name, string Value)[] headers) => headers.ToDictionary(h => h.Name, h => h.Value);

    [Fact]
    public async Task suffix_and_open_ended_ranges_are_206_with_the_right_bytes()
    {
        var (http, id, bytes) = await Uploaded();
        var n = bytes.Length;

        var (_, suffix) = await http.Download(id, H(("Range", "bytes=-500")));
        Assert.Equal(206, suffix.Status);
        Assert.Equal($"bytes {n - 500}-{n - 1}/{n}", suffix.Header("Content-Range"));
        Assert.Equal(bytes[^500..], suffix.Body);

        var (_, open) = await http.Download(id, H(("Range", "bytes=4000-")));
        Assert.Equal(206, open.Status);
        Assert.Equal($"bytes 4000-{n - 1}/{n}", open.Header("Content-Range"));
        Assert.Equal(bytes[4000..], open.Body);

        // A last-byte-pos beyond the end is cut to the end (RFC 9110 14.1.1).
        var (_, past) = await http.Download(id, H(("Range", $"bytes=10-{n + 1000}")));
        Assert.Equal(206, past.Status);
        Assert.Equal(bytes[10..], past.Body);
    }

    [Fact]
    public async Task an_unsatisfiable_range_is_416_with_the_length()
    {
        var (http, id, bytes) = await Uploaded();
        var (_, reply) = await http.Download(id, H(("Range", $"bytes={bytes.Length}-")));
        Assert.Equal(416, reply.Status);
        Assert.Equal($"bytes */{bytes.Length}", reply.Header("Content-Range"));
        Assert.Empty(reply.Body);
    }

    [Fact]
    public async Task a_multi_range_request_is_answered_with_the_whole_body_as_documented()
    {
        // docs/artifacts.md: multipart/byteranges is not served; a multi-range request gets the whole content (200),
        // which RFC 9110 allows (a server may ignore Range).
        var (http, id, bytes) = await Uploaded();
        var (_, reply) = await http.Download(id, H(("Range", "bytes=0-9,100-109")));
        Assert.Equal(200, reply.Status);
        Assert.Equal(bytes, reply.Body);
        Assert.Equal("", reply.Header("Content-Range"));
    }

    [Fact]
    public async Task the_etag_is_the_content_hash_and_drives_if_none_match_and_if_range()
    {
        var (http, id, bytes) = await Uploaded();
        var (_, full) = await http.Download(id);
        var etag = full.Header("ETag");
        Assert.Equal($"\"{ArtifactHttp.Sha256(bytes)}\"", etag); // computed here from the bytes, not read from the API

        var (_, notModified) = await http.Download(id, H(("If-None-Match", etag)));
        Assert.Equal(304, notModified.Status);
        Assert.Empty(notModified.Body);

        // If-Range with the current validator: the range is served; with a stale one: the whole, current content.
        var (_, resumed) = await http.Download(id, H(("Range", "bytes=1000-1999"), ("If-Range", etag)));
        Assert.Equal(206, resumed.Status);
        Assert.Equal(bytes[1000..2000], resumed.Body);
        var (_, stale) = await http.Download(id, H(("Range", "bytes=1000-1999"), ("If-Range", "\"0000000000000000000000000000000000000000000000000000000000000000\"")));
        Assert.Equal(200, stale.Status);
        Assert.Equal(bytes, stale.Body);
    }

    [Fact]
    public async Task an_expired_link_is_403_even_with_a_valid_signature()
    {
        var (http, id, _) = await Uploaded();
        var past = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds();

        var reply = await http.Send("GET", Signed(id, past, http.Client.Workspace), bearer: "");

        Assert.Equal(403, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Contains("expired", reply.Json.GetProperty("detail").GetString());
        Assert.Equal(200, (await http.Send("GET", Signed(id, past + 120, http.Client.Workspace), bearer: "")).Status);
    }

    [Fact]
    public async Task a_tampered_link_is_403()
    {
        var (http, id, _) = await Uploaded();
        var other = await app.NewClientAsync();
        var (redirect, _) = await http.Download(id);
        var good = redirect.Header("Location");
        var q = QueryHelpers.ParseQuery(good[good.IndexOf('?')..]);
        var exp = long.Parse(q["exp"]!, CultureInfo.InvariantCulture);
        var sig = q["sig"].ToString();

        foreach (var url in new[]
                 {
                     $"/artifacts/{id}/content?exp={exp + 3600}&ws={http.Client.Workspace}&sig={sig}",
                     $"/artifacts/{id}/content?exp={exp}&ws={other.Workspace}&sig={sig}",
                     $"/artifacts/{id}/content?exp={exp}&ws={http.Client.Workspace}&sig={(sig[0] == 'A' ? 'B' : 'A')}{sig[1..]}",
                     $"/artifacts/{id}/content?exp={exp}&ws={http.Client.Workspace}",
                     $"/artifacts/{id}/content?exp=soon&ws={http.Client.Workspace}&sig={sig}",
                     $"/artifacts/{id}/content?exp={exp}&ws={http.Client.Workspace}&sig=%%%",
                     $"/artifacts/art_000000000000000000000000/content?exp={exp}&ws={http.Client.Workspace}&sig={sig}",
                 })
        {
            var reply = await http.Send("GET", url, bearer: "");
            Assert.True(reply.Status == 403, $"{url}: {reply.Status}");
            Assert.Equal("application/problem+json", reply.ContentType);
        }
        Assert.Equal(200, (await http.Send("GET", good, bearer: "")).Status);
    }

    [Fact]
    public async Task another_workspace_or_project_gets_404_and_no_link()
    {
        var (http, id, _) = await Uploaded();
        var otherWorkspace = new ArtifactHttp(app.Host, await app.NewClientAsync());
        var otherProject = new ArtifactHttp(app.Host, await app.NewClientAsync(http.Client.Workspace, "other-project"));

        foreach (var stranger in new[] { otherWorkspace, otherProject })
        {
            var reply = await stranger.Send("GET", $"/artifacts/{id}");
            Assert.Equal(404, reply.Status);
            Assert.False(reply.Headers.ContainsKey("Location"));
        }
    }

    [Fact]
    public async Task get_needs_a_credential_with_read_scope_and_a_known_id()
    {
        var (http, id, _) = await Uploaded();
        Assert.Equal(401, (await http.Send("GET", $"/artifacts/{id}", bearer: "")).Status);
        Assert.Equal(404, (await http.Send("GET", "/artifacts/art_0123456789abcdef01234567")).Status);
        Assert.Equal(404, (await http.Send("GET", "/artifacts/..%2F..%2Fetc%2Fpasswd")).Status);
        var writer = new ArtifactHttp(app.Host, await app.NewClientAsync(http.Client.Workspace, http.Client.Project, ["traces:write"]));
        Assert.Equal(403, (await writer.Send("GET", $"/artifacts/{id}")).Status);
    }
}
