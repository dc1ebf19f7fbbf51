using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.AnalysisApi;

/// <summary>Concurrent analyze requests on one session: one result recorded, every caller answered with it.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConcurrentAnalysis(AppFixture app)
{
    [Fact]
    public async Task concurrent_analyze_on_one_session_records_one_result()
    {
        var client = await app.NewClientAsync();
        var session = await client.CreateSession();
        Assert.Equal(200, (await client.Append(session, ToolFailure())).Status);

        var replies = await Race.AllAtOnceAsync(6, _ => client.Post($"/api/traces/{session}/analyze", "{}"));

        Assert.All(replies, r => Assert.True(r.Status == 200, $"{r.Status} {r.Text}"));
        Assert.Single(replies, r => r.Body.GetProperty("recorded").GetBoolean());
        Assert.Single(replies.Select(r => r.Body.GetProperty("findings").GetRawText()).Distinct());
        var stored = await Database.QueryAsync(
            $"select count(*) from {AppFixture.Schema}.mt_events where tenant_id = $1 and stream_id = $2 and type = 'analysis_completed'",
            r => r.GetInt64(0), client.Workspace, $"{client.Project}/{session}");
        Assert.Equal(1, stored[0]);
    }
}
