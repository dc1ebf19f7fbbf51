using System.Text;
using Tracing.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Tracing.Tests.Artifacts;

/// <summary>
/// A 25 MiB upload is streamed, not buffered: the bytes the whole process allocates while serving it stay a small
/// fraction of the file. The request body is generated on the fly, so the test itself allocates next to nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class UploadMemory(AppFixture app, ITestOutputHelper output)
{
    private const long Size = 25L * 1024 * 1024;
    private const string Boundary = "memory-test-boundary";

    [Fact]
    public async Task a_25_mib_upload_allocates_a_small_fraction_of_its_size()
    {
        var http = new ArtifactHttp(app.Host, await app.NewClientAsync());
        var session = await http.Client.CreateSession();
        await Upload(http, session, 64 * 1024, multipart: false); // warm-up: JIT, pools, connections

        foreach (var multipart in new[] { false, true })
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var status = await Upload(http, session, Size, multipart);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.Equal(201, status);
            output.WriteLine($"{(multipart ? "multipart" : "raw")} upload of {Size / (1024 * 1024)} MiB: " +
                             $"{allocated / 1024.0 / 1024.0:F2} MiB allocated by the whole process");
            Assert.True(allocated < Size / 8, $"allocated {allocated} bytes for a {Size}-byte upload");
        }
    }

    private static async Task<int> Upload(ArtifactHttp http, string session, long size, bool multipart)
    {
        var url = $"/api/traces/{session}/artifacts";
        if (!multipart)
            return (await http.Send("POST", url + "?kind=replay", new GeneratedBody(size), "image/png")).Status;

        var prefix = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nreplay\r\n" +
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n");
        var suffix = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        return (await http.Send("POST", url, new GeneratedBody(size, prefix, suffix), $"multipart/form-data; boundary={Boundary}")).Status;
    }
}
