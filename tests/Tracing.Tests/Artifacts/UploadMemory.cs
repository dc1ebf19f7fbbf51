using System.Text;
using Tracing.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Tracing.Tests.Artifacts;

/// <summary>
/// A 25 MiB upload is streamed, not buffered. Measured on the upload itself rather than on process-wide allocations
/// (which other collections and the daemon share on a busy machine): the client's body pauses half way, and by then
/// the server must already have written that half to its spool file on disk, so at most one buffer is held in memory.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class UploadMemory(AppFixture app, ITestOutputHelper output)
{
    private const long Size = 25L * 1024 * 1024;
    private const string Boundary = "memory-test-boundary";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task a_25_mib_upload_reaches_disk_while_the_client_is_still_sending(bool multipart)
    {
        var http = new ArtifactHttp(app.Host, await app.NewClientAsync());
        var session = await http.Client.CreateSession();
        var (body, contentType) = Body(Size, multipart, pauseAt: Size / 2);

        var upload = http.Send("POST", $"/api/traces/{session}/artifacts" + (multipart ? "" : "?kind=replay"), body, contentType);
        await body.Paused.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // The server has read half the body and is waiting for the rest: that half must be on disk, not in memory
        // (one 1 MiB buffer of slack for what it has read but not yet flushed).
        var spooled = await Eventually.UntilAsync(() => Task.FromResult(SpoolBytes()), b => b >= Size / 2 - 1024 * 1024,
            TimeSpan.FromSeconds(30), b => $"{b} bytes spooled of the {Size / 2} sent so far");
        output.WriteLine($"{(multipart ? "multipart" : "raw")}: {spooled / 1024.0 / 1024.0:F1} MiB on disk at the pause");
        body.Resume();

        var reply = await upload;
        Assert.Equal(201, reply.Status);
        Assert.Equal(Size, reply.Json.GetProperty("size").GetInt64());
        Assert.Equal(0, SpoolBytes());
    }

    private long SpoolBytes()
    {
        var tmp = Path.Combine(app.DataDir, "artifacts", "tmp");
        return Directory.Exists(tmp) ? Directory.EnumerateFiles(tmp).Sum(f => new FileInfo(f).Length) : 0;
    }

    private static (GeneratedBody Body, string ContentType) Body(long size, bool multipart, long pauseAt)
    {
        if (!multipart) return (new GeneratedBody(size, pauseAt: pauseAt), "image/png");
        var prefix = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nreplay\r\n" +
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n");
        var suffix = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        return (new GeneratedBody(size, prefix, suffix, pauseAt + prefix.Length), $"multipart/form-data; boundary={Boundary}");
    }
}
