using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Tests.Rebuilds;
using Tracing.Tests.Support;
using Tracing.Workers.Projections;
using Xunit;

namespace Tracing.Tests.Leadership;

/// <summary>API nodes on a schema of their own (its own leadership lock), and a hot session that rewrites one head row per append.</summary>
public static class LeadershipNodes
{
    public static Task<LoopbackApi> StartAsync(string schema, CapturedLogs logs) =>
        RebuildNodes.StartAsync(schema, logs, "Tracing:Projections:LeadershipPollMilliseconds=200");

    public static bool Leads(LoopbackApi node) => node.Services.GetRequiredService<LeaderDaemon>().Current() is not null;

    /// <summary>How many leadership checks the node has made (a follower tries the lock on each).</summary>
    public static long Checks(LoopbackApi node) => node.Services.GetRequiredService<ProjectionLeadership>().Checks;

    /// <summary>Creates <paramref name="session"/> and appends <paramref name="count"/> single-event batches after <paramref name="after"/>.</summary>
    public static async Task AppendAsync(HttpClient http, string session, int after, int count)
    {
        if (after == 0) Assert.True((await http.PostAsJsonAsync("/api/traces", new { id = session })).IsSuccessStatusCode);
        for (var seq = after + 1; seq <= after + count; seq++)
        {
            using var reply = await http.PostAsJsonAsync($"/api/traces/{session}/events", new { seq, type = "log", payload = new { message = "step " + seq } });
            Assert.True(reply.IsSuccessStatusCode, $"append {seq}: {(int)reply.StatusCode}");
        }
    }

    /// <summary>The session read model's event count (async projection), once it reaches <paramref name="count"/>.</summary>
    public static Task<long> ProjectedAsync(HttpClient http, string session, long count) =>
        Eventually.UntilAsync(async () =>
        {
            using var reply = await http.GetAsync($"/api/traces/{session}");
            if (!reply.IsSuccessStatusCode) return -1L;
            return (await reply.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("event_count").GetInt64();
        }, n => n >= count, TimeSpan.FromSeconds(30), n => $"read model at {n} of {count} events");
}
