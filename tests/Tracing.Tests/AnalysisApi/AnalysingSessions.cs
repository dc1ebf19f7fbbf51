using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Domain.Analysis;
using Tracing.Tests.Support;
using Tracing.Workers.Analysis;
using Wolverine;
using Wolverine.Tracking;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.AnalysisApi;

[Collection(ApiCollection.Name)]
public sealed class AnalysingSessions(AppFixture app)
{
    private static object[] FailingToolRun() =>
    [
        Ev(1, "agent.step", new { step = 1 }),
        Ev(2, "tool.call", new { tool = "search", call_id = "c1", args = new { q = "weather" } }),
        Ev(3, "tool.result", new { tool = "search", call_id = "c1", ok = false, error = new { type = "TimeoutError", message = "timed out after 30s" } }),
        Ev(4, "agent.step", new { step = 2 }),
        Ev(5, "llm.response", new { model = "gpt-4o", content = "It is sunny.", finish_reason = "stop" }),
    ];

    private static List<string> Detectors(JsonElement analysis) =>
        analysis.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("detector").GetString()!).ToList();

    /// <summary>The stored analysis once the async read model has processed everything appended so far.</summary>
    private async Task<JsonElement> StoredAnalysisAsync(TestClient client, string id)
    {
        await app.WaitForProjectionsAsync();
        var reply = await client.Get($"/api/traces/{id}/analysis");
        Assert.Equal(200, reply.Status);
        return reply.Body;
    }

    [Fact]
    public async Task analyze_returns_findings_and_a_rerun_on_unchanged_events_records_nothing_new()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, FailingToolRun());

        Assert.Equal(404, (await client.Get($"/api/traces/{id}/analysis")).Status);

        var first = await client.Post($"/api/traces/{id}/analyze", "{}");
        Assert.Equal(200, first.Status);
        Assert.True(first.Body.GetProperty("recorded").GetBoolean());
        Assert.Equal("detectors@1", first.Body.GetProperty("detector_version").GetString());
        Assert.Equal(5, first.Body.GetProperty("last_seq").GetInt64());
        var finding = first.Body.GetProperty("findings")[0];
        Assert.Equal("tool_error", finding.GetProperty("detector").GetString());
        Assert.Equal(3, finding.GetProperty("critical_step").GetInt64());

        var second = await client.Post($"/api/traces/{id}/analyze", "{}");
        Assert.False(second.Body.GetProperty("recorded").GetBoolean());
        Assert.Equal(first.Body.GetProperty("findings").GetRawText(), second.Body.GetProperty("findings").GetRawText());

        await app.WaitForProjectionsAsync();
        var stored = await client.Get($"/api/traces/{id}/analysis");
        Assert.Equal(first.Body.GetProperty("findings").GetRawText(), stored.Body.GetProperty("findings").GetRawText());
        Assert.Equal("on_demand", stored.Body.GetProperty("trigger").GetString());
        var recorded = await Database.QueryAsync($"select count(*) from {AppFixture.Schema}.mt_events where tenant_id = $1 and type = 'analysis_completed'",
            r => r.GetInt64(0), client.Workspace);
        Assert.Equal(1, recorded[0]);
    }

    [Fact]
    public async Task a_session_ended_event_triggers_the_analysis_durably()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        // The outbox-published trigger travels over the PostgreSQL work queue (ADR 0025) to whichever node with
        // background work takes it: wait for its result in the read model.
        await client.Append(id, [.. FailingToolRun(), Ev(6, "session.ended", new { status = "error", reason = "gave up" })]);
        await Eventually.UntilAsync(async () =>
            {
                await app.WaitForProjectionsAsync();
                return await client.Get($"/api/traces/{id}/analysis");
            },
            r => r.Status == 200, TimeSpan.FromSeconds(30), r => $"no analysis yet: {r.Status}");

        var analysis = await StoredAnalysisAsync(client, id);
        Assert.Equal(6, analysis.GetProperty("last_seq").GetInt64());
        Assert.Equal("session_ended", analysis.GetProperty("trigger").GetString());
        Assert.Contains("tool_error", Detectors(analysis));
    }

    [Fact]
    public async Task analysis_is_404_outside_the_project_and_for_unknown_sessions()
    {
        var owner = await app.NewClientAsync();
        var other = await app.NewClientAsync();
        var id = await owner.CreateSession();
        await owner.Append(id, FailingToolRun());
        Assert.Equal(200, (await owner.Post($"/api/traces/{id}/analyze", "{}")).Status);
        Assert.Equal(404, (await other.Post($"/api/traces/{id}/analyze", "{}")).Status);
        Assert.Equal(404, (await other.Get($"/api/traces/{id}/analysis")).Status);
        Assert.Equal(404, (await owner.Post("/api/traces/missing/analyze", "{}")).Status);
    }

    [Fact]
    public async Task a_threshold_change_and_a_rerun_change_the_read_model_while_requests_are_served()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        // Three identical calls: a loop at the default threshold (3), not at a threshold of 5.
        await client.Append(id, Enumerable.Range(1, 3).Select(i =>
            Ev(i, "tool.call", new { tool = "search", call_id = $"c{i}", args = new { q = "same" } })).ToArray());
        await client.Post($"/api/traces/{id}/analyze", "{}");
        await app.WaitForProjectionsAsync();
        Assert.Contains("loop", Detectors((await client.Get($"/api/traces/{id}/analysis")).Body));

        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        var relaxed = new DetectorSet(DetectorSettings.Default with { LoopThreshold = 5 });
        var rerun = new AnalysisRerun(store, new SessionAnalyzer(store, relaxed, app.Host.Services.GetRequiredService<SessionSize>(), TimeProvider.System));

        var serving = Task.Run(async () =>
        {
            var statuses = new List<int>();
            for (var i = 0; i < 20; i++) statuses.Add((await client.Get($"/api/traces/{id}/analysis")).Status);
            return statuses;
        });
        var report = await rerun.RunAsync(new RerunScope(client.Workspace), default);
        Assert.All(await serving, s => Assert.Equal(200, s));
        Assert.Equal(1, report.Sessions);
        Assert.Equal(1, report.Recorded);

        var after = await StoredAnalysisAsync(client, id);
        Assert.Equal(relaxed.Version, after.GetProperty("detector_version").GetString());
        Assert.NotEqual("detectors@1", relaxed.Version);
        Assert.DoesNotContain("loop", Detectors(after));
        Assert.Equal("rerun", after.GetProperty("trigger").GetString());
    }
}
