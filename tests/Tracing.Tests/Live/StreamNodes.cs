using Alba;
using Microsoft.AspNetCore.Hosting;
using Tracing.Tests.Support;

namespace Tracing.Tests.Live;

/// <summary>Extra API nodes on the same database and schema, for cross-node and slow-consumer tests.</summary>
public static class StreamNodes
{
    public static Task<IAlbaHost> StartAsync(int bufferSize = 1024, int heartbeatSeconds = 15) =>
        AlbaHost.For<Program>(b =>
        {
            b.UseSetting("TRACING_DB", AppFixture.ConnectionString);
            b.UseSetting("Tracing:Schema", AppFixture.Schema);
            b.UseSetting("Tracing:Stream:BufferSize", bufferSize.ToString());
            b.UseSetting("Tracing:Stream:HeartbeatSeconds", heartbeatSeconds.ToString());
            b.UseSetting("Logging:LogLevel:Default", "Warning");
        });

    /// <summary>Collects messages like EventSource does: on a server close it reconnects with Last-Event-ID.</summary>
    public static async Task<(List<SseMessage> Messages, int Connections)> CollectAsync(
        HttpClient http, string url, string bearer, int count, string? lastEventId = null, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        var all = new List<SseMessage>();
        var connections = 0;
        while (all.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"collected {all.Count} of {count}");
            await using var sse = await SseClient.OpenAsync(http, url, bearer, lastEventId);
            connections++;
            if (sse.Status != 200) throw new InvalidOperationException($"stream answered {sse.Status}");
            var got = await sse.TakeAsync(count - all.Count, timeoutSeconds: (int)Math.Max(1, (deadline - DateTime.UtcNow).TotalSeconds), allowEnd: true);
            all.AddRange(got);
            if (all.Count > 0) lastEventId = all[^1].Id;
        }
        return (all, connections);
    }
}
