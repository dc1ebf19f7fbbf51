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

/// <summary>Per-project retention (off by default): sessions older than the project's days are erased by the job.</summary>
[Collection(ApiCollection.Name)]
public sealed class RetainingSessions(AppFixture app)
{
    [Fact]
    public async Task the_retention_sweep_erases_a_projects_sessions_past_its_days_and_nothing_else()
    {
        var client = await app.NewClientAsync();
        var other = await app.NewClientAsync(workspace: client.Workspace, project: "keep");
        var old = new[] { await client.CreateSession(), await client.CreateSession() };
        var elsewhere = await other.CreateSession();
        await app.WaitForProjectionsAsync(); // as for any session days old: the daemon has long folded it
        var job = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Tracing.Api.Sessions.RetentionJob>(app.Host.Services);
        Assert.Empty(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Tracing.Api.Sessions.RetentionOptions>(app.Host.Services).Rules); // default: off

        Tracing.Api.Sessions.RetentionRule[] rules = [new(client.Workspace, client.Project, 30)];
        Assert.Equal(0, await job.SweepAsync(rules, DateTimeOffset.UtcNow.AddDays(29), default)); // not old enough yet
        Assert.Equal(2, await job.SweepAsync(rules, DateTimeOffset.UtcNow.AddDays(31), default));

        foreach (var id in old) Assert.Equal(404, (await client.Get($"/api/traces/{id}")).Status);
        Assert.Equal(200, (await other.Get($"/api/traces/{elsewhere}")).Status);
        var audit = await app.ConsoleClient(client.Workspace, "admin").Get("/api/audit-logs?action=trace.deleted");
        Assert.All(old, id => Assert.Contains($"trace:{id}", audit.Text));
        Assert.Contains("\"retention\"", audit.Text);
    }
}
