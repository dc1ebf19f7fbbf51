using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Projections.Rebuilds;
using Tracing.Tests.Support;
using Tracing.Workers.Projections;
using Xunit;

namespace Tracing.Tests.Rebuilds;

/// <summary>
/// ADR 0039: a marked projection's green copy is replayed from the log, not by Marten's rebuild. With pages of three
/// positions, several in flight and a cache of two documents, every part of the replay runs (ranges without events,
/// documents dropped and read back between pages, two workspaces' sessions interleaved), and the result must be what
/// Marten's own rebuild stores, row by row, with the revision (the stream version) and the type column. The request
/// is taken up at once although the runner's poll is ten minutes: storing it wakes this node's runner.
/// </summary>
[Collection(RebuildCollection.Name)]
public sealed class ReplayingFromTheLog
{
    [Fact]
    public async Task a_replay_from_the_log_stores_what_martens_rebuild_stores()
    {
        var schema = AppFixture.Schema + "_rl";
        await RebuildNodes.ResetAsync(schema);
        var logs = new CapturedLogs();
        await using var node = await RebuildNodes.StartAsync(schema, logs, "Tracing:Projections:ReplayPageSize=3",
            "Tracing:Projections:ReplayCachedDocuments=2", "Tracing:Projections:ReplayPagesInFlight=3",
            "Tracing:Projections:PollMilliseconds=600000"); // the runner's poll out of reach: a request stored here wakes it
        await RebuildNodes.LeaderAsync(node);
        var sessions = await SeedAsync(node);
        await RebuildNodes.WaitForShardsAtHighWaterAsync(schema, node.Services.GetRequiredService<AsyncProjectionCatalog>());
        await RebuildAsync(node);
        var replayed = Assert.Single(logs.Lines, l => l.Contains("Replayed SessionSummary__green from the log", StringComparison.Ordinal));
        // Every session start and trace event, read in ranges of 3 positions (the analysis events of the log are not read).
        var report = System.Text.RegularExpressions.Regex.Match(replayed, @"from the log: ([\d,]+) events in ([\d,]+) pages");
        Assert.Equal(sessions.Length * 6, int.Parse(report.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands));
        Assert.True(int.Parse(report.Groups[2].Value, System.Globalization.NumberStyles.AllowThousands) >= sessions.Length * 2, replayed);
        var fromTheLog = await RowsAsync(schema);
        Assert.Equal(sessions.Length, fromTheLog.Count);

        // Marten's rebuild of the same projection, in place, with the host's daemon out of the way.
        var leadership = node.Services.GetRequiredService<ProjectionLeadership>();
        await leadership.PauseAsync();
        try
        {
            using var daemon = await node.Services.GetRequiredService<Marten.IDocumentStore>().BuildProjectionDaemonAsync();
            await daemon.RebuildProjectionAsync("SessionSummary", TimeSpan.FromMinutes(1), default);
        }
        finally { await leadership.ResumeAsync(); }
        Assert.Equal(await RowsAsync(schema), fromTheLog);
        Assert.Contains(fromTheLog, r => r.Contains("\"gap_count\": 1") && r.Contains("\"error_count\": 1") && r.Contains("\"input_tokens\": 102")
                                         && r.Contains("\"status\": \"failed\""));
    }

    [Fact]
    public async Task with_the_switch_off_martens_rebuild_runs_instead()
    {
        var schema = AppFixture.Schema + "_rm";
        await RebuildNodes.ResetAsync(schema);
        var logs = new CapturedLogs();
        await using var node = await RebuildNodes.StartAsync(schema, logs, "Tracing:Projections:ReplayFromLog=false");
        await RebuildNodes.LeaderAsync(node);
        var sessions = await SeedAsync(node);
        await RebuildNodes.WaitForShardsAtHighWaterAsync(schema, node.Services.GetRequiredService<AsyncProjectionCatalog>());
        await RebuildAsync(node);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("from the log", StringComparison.Ordinal));
        Assert.Equal(sessions.Length, (await RowsAsync(schema)).Count);
    }

    /// <summary>Six sessions in two workspaces, their events interleaved in the log; returns them.</summary>
    private static async Task<(HttpClient Http, string Id)[]> SeedAsync(LoopbackApi node)
    {
        var clients = new[] { await RebuildNodes.KeyClientAsync(node, "ws-rl-a"), await RebuildNodes.KeyClientAsync(node, "ws-rl-b") };
        var sessions = Enumerable.Range(0, 6).Select(i => (Http: clients[i % 2], Id: $"rl-{i}")).ToArray();
        foreach (var (http, id) in sessions)
            (await http.PostAsJsonAsync("/api/traces", new { id, agent = "replay", metadata = new { n = id } })).EnsureSuccessStatusCode();
        // Rounds across the sessions, so their events interleave in the log; seq 4 is skipped (a gap), errors and usage
        // are counted, and half the sessions end (the status comes from the last event).
        foreach (var seq in new[] { 1, 2, 3, 5, 6 })
            foreach (var (http, id) in sessions)
            {
                object e = seq switch
                {
                    2 => new { seq, type = "llm.response", payload = new { model = "gpt-4o", usage = new { input_tokens = 100 + seq, output_tokens = 7 } } },
                    3 => new { seq, type = "error", payload = new { type = "ToolError", message = $"{id} failed" } },
                    6 when id.EndsWith('0') || id.EndsWith('3') || id.EndsWith('4') => new { seq, type = "session.ended", payload = new { reason = "done", status = "error" } },
                    _ => new { seq, type = "agent.step", payload = new { step = seq, thought = $"{id} thinks" } },
                };
                (await http.PostAsJsonAsync($"/api/traces/{id}/events", new { events = new[] { e } })).EnsureSuccessStatusCode();
            }
        return sessions;
    }

    private static async Task RebuildAsync(LoopbackApi node)
    {
        var requests = node.Services.GetRequiredService<RebuildRequests>();
        var rebuild = (await requests.RequestAsync(["SessionSummary"], "test", default)).Accepted!.Id;
        var done = await Eventually.UntilAsync(() => requests.GetAsync(rebuild, default), r => r?.IsActive == false, TimeSpan.FromSeconds(60),
            r => $"{r?.Status} {r?.Error}");
        Assert.True(done!.Status == Tracing.Domain.Rebuilds.RebuildStatus.Completed, done.Error);
    }

    private static Task<List<string>> RowsAsync(string schema) => Database.QueryAsync(
        // The duplicated columns too (ADR 0041): the session list filters and orders by them, not by the body.
        $"select tenant_id || '/' || id || ' v' || mt_version || ' ' || coalesce(mt_dotnet_type, '-') || ' ' || " +
        $"coalesce(project__id, '-') || ' @' || coalesce(created__position::text, '-') || ' ' || data::text " +
        $"from {schema}.mt_doc_sessionsummary order by tenant_id, id", r => r.GetString(0));
}
