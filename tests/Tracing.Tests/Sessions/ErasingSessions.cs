using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Sessions;

/// <summary>DELETE /api/traces/{id}: the erasure request removes events, read models and artifacts, and is audited.</summary>
[Collection(ApiCollection.Name)]
public sealed class ErasingSessions(AppFixture app)
{
    [Fact]
    public async Task an_admin_erases_a_session_its_events_read_models_and_artifacts_and_the_erasure_is_audited()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        var kept = await client.CreateSession();
        await client.Append(id, Ev(1), Ev(2), Ev(3, "session.ended"));
        await client.Append(kept, Ev(1));
        Assert.Equal(201, (await client.Send("POST", $"/api/traces/{id}/artifacts?kind=log", "erase me " + Guid.NewGuid(), "text/plain")).Status);
        await app.WaitForProjectionsAsync();
        var admin = app.ConsoleClient(client.Workspace, "admin", client.Project);

        Assert.Equal(403, (await client.Send("DELETE", $"/api/traces/{id}", null, "application/json")).Status); // a key may not erase
        Assert.Equal(204, (await admin.Send("DELETE", $"/api/traces/{id}", null, "application/json")).Status);

        Assert.Equal(404, (await client.Get($"/api/traces/{id}")).Status);
        Assert.Equal(404, (await client.Get($"/api/traces/{id}/events")).Status);
        Assert.Empty(await Database.QueryAsync($"select 1 from {AppFixture.Schema}.mt_events where tenant_id = $1 and stream_id = $2",
            r => r.GetInt32(0), client.Workspace, $"{client.Project}/{id}"));
        Assert.Empty(await Database.QueryAsync($"select 1 from {AppFixture.Schema}.mt_doc_artifact where tenant_id = $1 and data ->> 'session_id' = $2",
            r => r.GetInt32(0), client.Workspace, id));
        var listed = await client.Get("/api/sessions");
        Assert.DoesNotContain(id, listed.Text);
        Assert.Contains(kept, listed.Text);
        Assert.Single(await client.ReadAll(kept)); // the other session is untouched
        Assert.Equal(404, (await admin.Send("DELETE", $"/api/traces/{id}", null, "application/json")).Status);

        var audit = await admin.Get("/api/audit-logs?action=trace.deleted");
        Assert.Contains($"trace:{id}", audit.Text);
    }
}
