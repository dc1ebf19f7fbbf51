using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tracing.Api.Access;
using Tracing.Domain.Audit;
using Tracing.Domain.Incidents;
using Tracing.Domain.Regression;
using Tracing.Projections;
using Tracing.Projections.Incidents;
using Tracing.Tests.Rebuilds;
using Tracing.Tests.Support;
using Tracing.Workers.Hosting;
using Tracing.Workers.Incidents;
using Wolverine;
using Wolverine.Runtime;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Workers;

[CollectionDefinition(Name)]
public sealed class WorkersCollection
{
    public const string Name = "workers";
}

/// <summary>
/// Workers that scale out (ADR 0025): one API node with <c>Tracing:RunBackground=false</c> and two Workers hosts on one
/// database schema. The API publishes analyses, fix-agent calls and regression runs to the PostgreSQL work queues and
/// runs none of them; the workers do each exactly once, also when one of them stops in the middle of its work.
/// </summary>
[Collection(WorkersCollection.Name)]
public sealed class ScaleOut
{
    private static readonly string Schema = AppFixture.Schema + "_so";
    private const string Config = "max_steps: 80\ntools:\n  - search\n";
    private const string ModelDiff = "--- a/agent.yaml\n+++ b/agent.yaml\n@@ -1,3 +1,3 @@\n-max_steps: 80\n+max_steps: 20\n tools:\n   - search\n";

    /// <summary>Holds the worker after its first replayed session until its host stops: a worker leaving mid-run.</summary>
    private sealed class StallAfterFirstSession(IHostApplicationLifetime lifetime, TaskCompletionSource reached) : IRegressionRunListener
    {
        public async ValueTask SessionReplayedAsync(string runId, SessionReplay replay, CancellationToken ct)
        {
            reached.TrySetResult();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
    }

    private static string[] Settings(string model) =>
    [
        $"TRACING_DB={AppFixture.ConnectionString}", $"Tracing:Schema={Schema}", $"Tracing:DaemonLockId={RebuildNodes.LockIdFor(Schema)}",
        "Logging:LogLevel:Default=Warning", "Tracing:Projections:PollMilliseconds=200", "Tracing:Workers:PollMilliseconds=100",
        "Tracing:Workers:RecoveryMilliseconds=500",
        $"Tracing:FixAgent:BaseUrl={model}", "Tracing:FixAgent:Model=fake", "Tracing:FixAgent:TimeoutSeconds=60",
        "Tracing:FixAgent:WaitSeconds=1", "Tracing:Regression:LeaseSeconds=2", "Tracing:Regression:RecoverySeconds=1",
    ];

    private static async Task<IHost> WorkerAsync(string model, Action<IServiceCollection>? services = null)
    {
        var host = WorkerHost.Build(Settings(model).Select(s => "--" + s).ToArray(), b => services?.Invoke(b.Services));
        await host.StartAsync();
        return host;
    }

    private static Task<long> CountAsync(string sql, params object[] args) =>
        Database.QueryAsync(sql, r => r.GetInt64(0), args).ContinueWith(t => t.Result.Single());

    private static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 60) =>
        await Eventually.UntilAsync(probe, done, TimeSpan.FromSeconds(seconds), v => $"{what}: {v}");

    [Fact]
    public async Task an_api_node_publishes_and_two_workers_do_each_piece_of_work_once_even_when_one_stops_mid_run()
    {
        await RebuildNodes.ResetAsync(Schema);
        await using var model = await FakeModelServer.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        model.Gate = gate.Task;
        model.Reply = _ => (200, JsonSerializer.Serialize(new { plan = "Fewer steps.", diff = ModelDiff }));
        await using var api = await LoopbackApi.StartAsync(null, [.. Settings(model.BaseUrl), "Tracing:RunBackground=false"]);
        var workspace = "ws-" + Guid.NewGuid().ToString("N")[..10];
        var issued = await api.Services.GetRequiredService<KeyIssuer>().CreateAsync(workspace, "proj", "test", ["traces:read", "traces:write"], default);
        using var http = api.CreateClient(issued.Token);

        // The API node routes the work to the queues and listens to none of them.
        var runtime = api.Services.GetRequiredService<IWolverineRuntime>();
        var bus = api.Services.GetRequiredService<IMessageBus>();
        foreach (var message in new object[] { new Tracing.Workers.Analysis.AnalyzeEndedSession("w", "p", "s"), new ProposeFix("w", "p", "i", "d"), new RunRegression("w", "r") })
            Assert.Equal("postgresql", Assert.Single(bus.PreviewSubscriptions(message)).Destination!.Scheme);
        Assert.DoesNotContain(runtime.Endpoints.ActiveListeners(), l => l.Uri.Scheme == "postgresql");

        // Six ended sessions (four failing the same way, two clean): six analyses wait in the queue, none runs yet.
        var failing = new List<string>();
        var clean = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var id = $"so-{i}";
            (await http.PostAsJsonAsync("/api/traces", new { id, agent = "a" })).EnsureSuccessStatusCode();
            var steps = i < 4 ? ToolFailure() : Clean();
            var events = steps.Append(TestClient.Ev(steps.Length + 1, "session.ended", new { status = i < 4 ? "error" : "ok" })).ToArray();
            (await http.PostAsJsonAsync($"/api/traces/{id}/events", new { events })).EnsureSuccessStatusCode();
            (i < 4 ? failing : clean).Add(id);
        }
        var queued = $"select count(*) from {Schema}.wolverine_queue_tracing_analysis";
        await UntilAsync(() => CountAsync(queued), n => n == 6, "analyses queued by the API node");
        var analyses = $"select count(*) from {Schema}.mt_events where tenant_id = $1 and type = '{StoreSetup.AnalysisCompletedAlias}'";
        Assert.Equal(0, await CountAsync(analyses, workspace));

        // Worker A takes everything: the analyses, then the fix-agent call (held at the model) and the regression run
        // (held after its first replayed session).
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = await WorkerAsync(model.BaseUrl, s => s.AddSingleton<IRegressionRunListener>(sp =>
            new StallAfterFirstSession(sp.GetRequiredService<IHostApplicationLifetime>(), stalled)));
        IHost? b = null;
        try
        {
            await UntilAsync(() => CountAsync(analyses, workspace), n => n >= 6, "analyses recorded");
            var incidentId = IncidentIds.For("proj", await FingerprintAsync(http, failing[0]));
            await UntilAsync(async () => (await http.GetAsync($"/api/incidents/{incidentId}")).StatusCode, s => (int)s == 200, "incident");
            (await http.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/projects/proj/agent-config")
                { Content = new StringContent(Config, System.Text.Encoding.UTF8, "text/plain") })).EnsureSuccessStatusCode();

            var fix = await http.PostAsync($"/api/incidents/{incidentId}/fix-agent", null);
            Assert.Equal(202, (int)fix.StatusCode); // the model is held: the API answers within its bound
            var dispatchId = (await fix.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dispatch_id").GetString();
            var run = await http.PostAsJsonAsync($"/api/incidents/{incidentId}/regression-runs", new { after = new { session_ids = clean } });
            Assert.Equal(202, (int)run.StatusCode);
            var location = run.Headers.Location!.ToString();
            await UntilAsync(() => Task.FromResult(model.Requests.Count), n => n == 1, "model call from worker A");
            await stalled.Task.WaitAsync(TimeSpan.FromSeconds(60));

            // Worker B joins; worker A is stopped in the middle of both. A graceful stop drains what is in flight: the
            // model answers while A stops, so A records its proposal; the regression run, cut off after one session,
            // is continued by B once A's lease on it expires.
            b = await WorkerAsync(model.BaseUrl);
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                var stopping = a.StopAsync(stop.Token);
                gate.SetResult();
                await stopping;
            }

            var completed = await UntilAsync(async () => await (await http.GetAsync(location)).Content.ReadFromJsonAsync<JsonElement>(),
                r => r.GetProperty("status").GetString() == "completed", "regression run");
            Assert.Equal("fixed", completed.GetProperty("verdict").GetString());
            var replayed = completed.GetProperty("sessions").EnumerateArray()
                .Select(r => (r.GetProperty("phase").GetString(), r.GetProperty("session_id").GetString())).ToList();
            Assert.Equal(replayed.Count, replayed.Distinct().Count());
            Assert.True(completed.GetProperty("attempts").GetInt32() >= 2); // taken over from worker A

            var proposed = $"select count(*) from {Schema}.mt_events where tenant_id = $1 and type = '{IncidentStoreSetup.FixProposedAlias}' and data::text like $2";
            await UntilAsync(() => CountAsync(proposed, workspace, $"%{dispatchId}%"), n => n >= 1, "fix proposed");

            // Drain: nothing left waiting in any queue, then count each piece of work. (Re-published copies of the run that
            // worker A released on its way out may still sit in an inbox: a repeat finds the run completed and does nothing.)
            await UntilAsync(() => CountAsync($"select (select count(*) from {Schema}.wolverine_queue_tracing_analysis) + " +
                $"(select count(*) from {Schema}.wolverine_queue_tracing_fix_agent) + (select count(*) from {Schema}.wolverine_queue_tracing_regression)"),
                n => n == 0, "queues drained");
            Assert.Equal(0, await CountAsync($"select count(*) from {Schema}.wolverine_incoming_envelopes where status <> 'Handled' and message_type not like '%RunRegression'"));
            Assert.Equal(6, await CountAsync(analyses, workspace));
            Assert.Equal(1, await CountAsync(proposed, workspace, $"%{dispatchId}%"));
            var proposal = await UntilAsync(async () => (await (await http.GetAsync($"/api/incidents/{incidentId}")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fix_proposal"),
                p => p.ValueKind == JsonValueKind.Object && p.GetProperty("status").GetString() == "proposed", "fix proposal in the read model");
            Assert.Equal(dispatchId, proposal.GetProperty("dispatch_id").GetString());
            Assert.Equal("model", proposal.GetProperty("mode").GetString());
            Assert.Equal(1, await CountAsync($"select count(*) from {Schema}.mt_doc_auditentry where tenant_id = $1 and data::text like $2 and data::text like $3",
                workspace, $"%{AuditActions.RegressionRunCompleted}%", $"%{completed.GetProperty("id").GetString()}%"));
        }
        finally
        {
            gate.TrySetResult();
            if (b is not null) { await b.StopAsync(); b.Dispose(); }
            await a.StopAsync();
            a.Dispose();
        }
    }

    /// <summary>The tool_error fingerprint from the session's recorded analysis (the read model the workers' daemon keeps).</summary>
    private static async Task<string> FingerprintAsync(HttpClient http, string session)
    {
        var reply = await UntilAsync(() => http.GetAsync($"/api/traces/{session}/analysis"), r => (int)r.StatusCode == 200, "analysis read model");
        var body = await reply.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("detector").GetString() == "tool_error")
            .GetProperty("fingerprint").GetString()!;
    }
}
