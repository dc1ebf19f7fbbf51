using System.Text.Json;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Projections.Incidents;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

[Collection(ApiCollection.Name)]
public sealed class RebuildingIncidents(AppFixture app)
{
    [Fact]
    public async Task a_rebuild_of_incidents_from_the_event_log_equals_incremental_processing()
    {
        var client = await app.NewClientAsync();
        var first = await client.AnalysedSessionAsync(ToolFailure());
        var id = (await client.IncidentForAsync(app, first, "tool_error")).GetProperty("id").GetString()!;
        await client.AnalysedSessionAsync(Loop());
        await client.Patch(id, "{\"status\":\"resolved\",\"owner\":\"alice\"}");
        await client.AnalysedSessionAsync(ToolFailure()); // reopens as regressed
        await client.Post($"/api/incidents/{id}/fix-agent", "{}");
        await client.WaitForIncidentAsync(app, id, i => i.GetProperty("fix_proposal").GetProperty("status").GetString() == "proposed"
                                                        && i.GetProperty("regressed").GetBoolean());

        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        async Task<string> SnapshotAsync()
        {
            await using var q = store.QuerySession(client.Workspace);
            return JsonSerializer.Serialize(await q.Query<Incident>().OrderBy(x => x.Id).ToListAsync());
        }
        var incremental = await SnapshotAsync();
        Assert.Contains("\"Regressed\":true", incremental);

        await app.RebuildAloneAsync("Incident");

        Assert.Equal(incremental, await SnapshotAsync());
    }
}
