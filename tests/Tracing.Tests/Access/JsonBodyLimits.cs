using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracing.Api.Infrastructure;
using Xunit;

namespace Tracing.Tests.Access;

/// <summary>JsonBody on bodies that arrive one byte per read, as a slow client's would.</summary>
public sealed class JsonBodyLimits
{
    private sealed class Trickle(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], ct);
    }

    private static async Task<int?> Status(byte[] body, long max = 1024)
    {
        var http = new DefaultHttpContext();
        http.Request.ContentType = "application/json";
        http.Request.Body = new Trickle(body);
        var (doc, problem) = await JsonBody.ReadAsync(http.Request, max, default);
        doc?.Dispose();
        return problem?.StatusCode;
    }

    [Fact]
    public async Task multibyte_sequences_split_across_reads_are_fine()
    {
        Assert.Null(await Status(Encoding.UTF8.GetBytes("{\"t\":\"é€😀ß\"}")));
    }

    [Fact]
    public async Task invalid_or_unfinished_utf8_is_400()
    {
        Assert.Equal(400, await Status([.. "{\"t\":\""u8, 0xE2, 0x82, .. "\"}"u8]));
        Assert.Equal(400, await Status([.. "{\"t\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8])); // an encoded surrogate
        Assert.Equal(400, await Status([.. "{}"u8, 0xF0, 0x9F]));
    }

    [Fact]
    public async Task the_limit_counts_bytes_as_they_arrive()
    {
        Assert.Equal(413, await Status(Encoding.UTF8.GetBytes("{\"t\":\"" + new string('x', 100) + "\"}"), max: 50));
    }
}
