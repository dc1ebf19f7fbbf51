using System.Text.Json;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Projections.Analysis;
using Tracing.Projections.Sessions;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.AnalysisApi;

[Collection(ApiCollection.Name)]
public sealed class RebuildingReadModels(AppFixture app)
{
    private static string Json<T>(IEnumerable<T> docs) => JsonSerializer.Serialize(docs);

    [Fact]
    public async Task a_rebuild_from_the_event_log_equals_incremental_processing()
    {
        var client = await app.NewClientAsync();
        for (var s = 0; s < 3; s++)
        {
            var id = await client.CreateSession($"r{s}");
            await client.Append(id,
                Ev(1, "llm.response", new { content = "", finish_reason = "stop", usage = new { input_tokens = 10, output_tokens = 0, cost_usd = 0.01 } }),
                Ev(3, "error", new { type = "RateLimitError", message = "429 too many requests" }),
                Ev(4, "session.ended", new { status = s == 0 ? "error" : "ok" }));
            await client.Post($"/api/traces/{id}/analyze", "{}");
        }
        await app.WaitForProjectionsAsync();

        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        async Task<(string Sessions, string Analyses)> SnapshotAsync()
        {
            await using var q = store.QuerySession(client.Workspace);
            var sessions = await q.Query<SessionSummary>().OrderBy(x => x.Id).ToListAsync();
            var analyses = await q.Query<AnalysisView>().OrderBy(x => x.Id).ToListAsync();
            return (Json(sessions), Json(analyses.Select(a => new { a.Id, a.DetectorVersion, a.LastSeq, a.Findings, a.Trigger, a.Revision })));
        }
        var incremental = await SnapshotAsync();
        Assert.Contains("\"Status\":\"failed\"", incremental.Sessions);

        await app.RebuildAloneAsync("SessionSummary", "AnalysisView");

        Assert.Equal(incremental, await SnapshotAsync());
    }
}
