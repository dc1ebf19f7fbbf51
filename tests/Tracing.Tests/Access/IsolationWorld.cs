using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Domain.Access;
using Tracing.Tests.Incidents;
using Tracing.Tests.Support;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Access;

/// <summary>The data every isolation probe runs against, built once per test run through the API.</summary>
public sealed class IsolationWorld
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IsolationWorld? _built;
    private long _seq = 3;

    private IsolationWorld(AppFixture app) => App = app;

    public AppFixture App { get; }
    public TestClient Owner { get; private set; } = null!;
    public TestClient OtherProject { get; private set; } = null!;
    public TestClient OtherWorkspace { get; private set; } = null!;
    public string SessionId { get; } = "iso-" + Guid.NewGuid().ToString("N")[..12];
    public string ArtifactId { get; private set; } = "";
    public string SignedLink { get; private set; } = "";
    public string IncidentId { get; private set; } = "";
    public string RunId { get; private set; } = "";

    public string FailingSessionId { get; private set; } = "";
    /// <summary>A string only the owner's event payloads, session metadata and artifact hold.</summary>
    public string PayloadMarker { get; } = "owner-marker-" + Guid.NewGuid().ToString("N")[..12];
    public string ConfigText => "owner's agent config " + PayloadMarker;

    /// <summary>
    /// The owner's data that must never appear in what another project gets back: ids, payload markers, config text,
    /// artifact content; for another workspace also the owner's workspace id and key id.
    /// </summary>
    public IEnumerable<string> OwnerMarkers(Credential stranger) =>
        stranger is Credential.OtherProjectKey
            ? [SessionId, FailingSessionId, ArtifactId, IncidentId, RunId, PayloadMarker, Owner.KeyId]
            : [SessionId, FailingSessionId, ArtifactId, IncidentId, RunId, PayloadMarker, Owner.KeyId, Owner.Workspace];

    public string FreshId() => "iso-" + Guid.NewGuid().ToString("N")[..12];
    public long NextSeq() => Interlocked.Increment(ref _seq);

    public async Task<string> ThrowawayKeyAsync() =>
        (await App.Host.Services.GetRequiredService<KeyIssuer>().CreateAsync(Owner.Workspace, "proj", "throwaway", ApiKeyFormat.DefaultScopes, default)).Record.Id;

    public (string? Bearer, Dictionary<string, string> Headers) Credentials(Credential credential, bool namesProject)
    {
        var ws = Owner.Workspace;
        var project = namesProject ? new Dictionary<string, string> { ["X-Tracing-Project"] = "proj" } : [];
        return credential switch
        {
            Credential.None => (null, []),
            Credential.ExpiredJwt => (TestKeys.Hs256(ws, Roles.Admin, issuedAt: DateTimeOffset.UtcNow.AddHours(-2), ttl: TimeSpan.FromHours(1)), project),
            Credential.OtherProjectKey => (OtherProject.Token, []),
            Credential.OtherWorkspaceKey => (OtherWorkspace.Token, []),
            Credential.OtherWorkspaceJwt => (TestKeys.Hs256(OtherWorkspace.Workspace, Roles.Admin, "stranger-admin"), project),
            Credential.ViewerJwt => (TestKeys.Hs256(ws, Roles.Viewer), project),
            Credential.Service => (AppFixture.ServiceToken, new() { ["X-Tracing-Workspace"] = ws, ["X-Tracing-Project"] = "proj" }),
            Credential.OwnerKey => (Owner.Token, []),
            _ => (TestKeys.Hs256(ws, Roles.Admin), project),
        };
    }

    public static async Task<IsolationWorld> GetAsync(AppFixture app)
    {
        await Gate.WaitAsync();
        try
        {
            if (_built?.App == app) return _built;
            var w = new IsolationWorld(app);
            w.Owner = await app.NewClientAsync(project: "proj");
            w.OtherProject = await app.NewClientAsync(workspace: w.Owner.Workspace, project: "other");
            w.OtherWorkspace = await app.NewClientAsync(project: "proj");
            await w.Owner.CreateSession(w.SessionId, new { metadata = new { marker = w.PayloadMarker } });
            await w.Owner.Append(w.SessionId, Ev(1, payload: new { message = w.PayloadMarker }), Ev(2), Ev(3));
            await w.Owner.Post($"/api/traces/{w.SessionId}/analyze", "");
            var artifact = await w.Owner.Send("POST", $"/api/traces/{w.SessionId}/artifacts?kind=log", "matrix artifact " + w.PayloadMarker, "text/plain");
            w.ArtifactId = artifact.Body.GetProperty("artifact_id").GetString()!;
            w._seq = artifact.Body.GetProperty("event_seq").GetInt64();
            var link = await w.Owner.Get($"/artifacts/{w.ArtifactId}");
            w.SignedLink = link.Headers["Location"];

            var failing = await w.Owner.AnalysedSessionAsync(IncidentScenarios.ToolFailure());
            w.FailingSessionId = failing;
            w.IncidentId = (await w.Owner.IncidentForAsync(app, failing, "tool_error")).GetProperty("id").GetString()!;
            await w.Owner.Send("PUT", "/api/projects/proj/agent-config", w.ConfigText, "text/plain");
            await w.OtherWorkspace.Send("PUT", "/api/projects/proj/agent-config", "the other workspace's config", "text/plain");
            var run = await w.Owner.Post($"/api/incidents/{w.IncidentId}/regression-runs", new { after = new { session_ids = new[] { failing } } });
            w.RunId = run.Body.GetProperty("id").GetString()!;
            await app.WaitForProjectionsAsync();
            return _built = w;
        }
        finally { Gate.Release(); }
    }
}
