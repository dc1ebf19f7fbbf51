using Alba;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tracing.Domain.Regression;
using Tracing.Tests.Support;
using Tracing.Workers.Incidents;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

/// <summary>Regression runs survive their worker: extra API nodes on the same schema stand in for restarted workers.</summary>
[Collection(ApiCollection.Name)]
public sealed class RegressionRunRecovery(AppFixture app)
{
    /// <summary>Stops the worker after its first replayed session until the host shuts down: a worker dying mid-run.</summary>
    private sealed class StallAfterFirstSession(IHostApplicationLifetime lifetime, TaskCompletionSource<string> reached) : IRegressionRunListener
    {
        public async ValueTask SessionReplayedAsync(string runId, SessionReplay replay, CancellationToken ct)
        {
            reached.TrySetResult(runId);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
    }

    /// <summary>The work queues of this class's nodes: a node that stands in for a restarted worker takes over from the
    /// doomed one, never from the shared host (ADR 0025).</summary>
    private readonly string _queues = "recovery_" + Guid.NewGuid().ToString("N")[..12];

    private Task<IAlbaHost> NodeAsync(int recoverySeconds, Action<IServiceCollection>? services = null) =>
        AlbaHost.For<Program>(b =>
        {
            b.UseSetting("Tracing:Workers:Queues", _queues);
            b.UseSetting("TRACING_DB", AppFixture.ConnectionString);
            b.UseSetting("Tracing:Schema", AppFixture.Schema);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Tracing:Regression:LeaseSeconds", "2");
            b.UseSetting("Tracing:Regression:RecoverySeconds", recoverySeconds.ToString());
            if (services is not null) b.ConfigureServices(services);
        });

    private static TestClient On(IAlbaHost host, TestClient client) => new(host, client.Token, client.Workspace, client.Project, client.KeyId);

    [Fact]
    public async Task a_run_whose_worker_stops_half_way_completes_on_another_node_without_replaying_twice()
    {
        var (client, id, failing) = await RegressionRuns.IncidentAsync(app);
        var after = new[] { await client.AnalysedSessionAsync(Clean()), await client.AnalysedSessionAsync(Clean()) };

        var reached = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        string location;
        await using (var doomed = await NodeAsync(3600, s => s.AddSingleton<IRegressionRunListener>(sp =>
                         new StallAfterFirstSession(sp.GetRequiredService<IHostApplicationLifetime>(), reached))))
        {
            var started = await On(doomed, client).Post($"/api/incidents/{id}/regression-runs", new { after = new { session_ids = after } });
            Assert.Equal(202, started.Status);
            location = started.Headers["Location"];
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var midway = await client.Get(location);
            Assert.Equal("running", midway.Body.GetProperty("status").GetString());
            Assert.Single(midway.Body.GetProperty("sessions").EnumerateArray());
        } // the worker goes away mid-run

        await using var fresh = await NodeAsync(1);
        var run = await RegressionRuns.WaitForRunAsync(On(fresh, client), location, seconds: 60);
        Assert.Equal("fixed", run.GetProperty("verdict").GetString());
        var replayed = run.GetProperty("sessions").EnumerateArray()
            .Select(r => (r.GetProperty("phase").GetString(), r.GetProperty("session_id").GetString())).ToList();
        Assert.Equal(4, replayed.Count);
        Assert.Equal(4, replayed.Distinct().Count());
        Assert.True(run.GetProperty("attempts").GetInt32() >= 2);
    }

    [Fact]
    public async Task a_queued_run_stored_in_the_database_is_picked_up_by_a_fresh_node()
    {
        var (client, id, failing) = await RegressionRuns.IncidentAsync(app);
        var after = new List<string> { await client.AnalysedSessionAsync(Clean()), await client.AnalysedSessionAsync(ToolFailure()) };
        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        // Queued half a minute ago and its message lost: stale for the fresh node's 2 s lease; the shared host's lease is a
        // day (AppFixture), so only the fresh node can pick it up, however slowly this machine starts it.
        var queuedAt = DateTimeOffset.UtcNow.AddSeconds(-30);
        var run = new RegressionRun
        {
            Id = "rr_lost" + Guid.NewGuid().ToString("N")[..8], WorkspaceId = client.Workspace, IncidentId = id, ProjectId = client.Project,
            Fingerprint = (await client.Get($"/api/incidents/{id}")).Body.GetProperty("fingerprint").GetString()!,
            BeforeSessions = failing, AfterSessions = after, MinAfterSessions = 2, RequestedBy = "test", RequestedAt = queuedAt,
            UpdatedAt = queuedAt,
        };
        await using (var session = store.LightweightSession(client.Workspace))
        {
            session.Store(run);
            await session.SaveChangesAsync();
        }

        await using var fresh = await NodeAsync(1);
        var done = await RegressionRuns.WaitForRunAsync(On(fresh, client), $"/api/incidents/{id}/regression-runs/{run.Id}", seconds: 60);
        Assert.Equal("not_fixed", done.GetProperty("verdict").GetString());
        Assert.Equal(4, done.GetProperty("sessions").GetArrayLength());
        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
    }
}
