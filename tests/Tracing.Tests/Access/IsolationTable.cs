using System.Text.Json;

namespace Tracing.Tests.Access;

/// <summary>The credentials every operation is tried with (columns of the isolation table).</summary>
public enum Credential
{
    None,
    ExpiredJwt,
    OtherProjectKey,
    OtherWorkspaceKey,
    /// <summary>A console admin token of another workspace (naming its own project "proj" where the row names one).</summary>
    OtherWorkspaceJwt,
    ViewerJwt,
    Service,
    OwnerKey,
    AdminJwt,
}

/// <summary>One request: method, URL (relative), optional body.</summary>
public sealed record Probe(string Method, string Url, string? Body = null, string? ContentType = null)
{
    public static Probe Json(string method, string url, object body) => new(method, url, JsonSerializer.Serialize(body), "application/json");
}

/// <summary>
/// The exact status each credential gets, per operation. The owner's workspace has project "proj" with one session
/// (events, an analysis, an artifact); "other project" is a key of project "other" of that workspace; "other
/// workspace" a key of project "proj" of another workspace, "other workspace JWT" an admin console token of that workspace
/// (its own workspace, so creating projects and keys there is allowed); the other console tokens (JWTs) belong to the owner's workspace
/// and name the project (X-Tracing-Project) when <see cref="Row.ConsoleNamesProject"/>; the service credential acts
/// for the owner's workspace and project.
/// </summary>
public sealed record Expect(int None, int ExpiredJwt, int OtherProjectKey, int OtherWorkspaceKey, int OtherWorkspaceJwt, int ViewerJwt, int Service,
    int OwnerKey, int AdminJwt)
{
    public int For(Credential c) => c switch
    {
        Credential.None => None,
        Credential.ExpiredJwt => ExpiredJwt,
        Credential.OtherProjectKey => OtherProjectKey,
        Credential.OtherWorkspaceKey => OtherWorkspaceKey,
        Credential.OtherWorkspaceJwt => OtherWorkspaceJwt,
        Credential.ViewerJwt => ViewerJwt,
        Credential.Service => Service,
        Credential.OwnerKey => OwnerKey,
        _ => AdminJwt,
    };
}

/// <param name="OwnerSees">For reads: a marker of the owner's data the owner's own 200 holds (so the stranger check can fail).</param>
/// <param name="BearerCapability">The URL itself grants access (a signed link): whoever holds it gets the content.</param>
public sealed record Row(string Method, string Path, bool ConsoleNamesProject, Func<IsolationWorld, Task<Probe>> Request, Expect Expect,
    Func<IsolationWorld, string>? OwnerSees = null, bool BearerCapability = false)
{
    public string Operation => $"{Method} {Path}";
}

/// <summary>
/// One row per operation of the OpenAPI document (IsolationMatrix fails on an operation without a row). To add an
/// operation: one Row with a request that would succeed for the owner, and the status of each column.
/// </summary>
public static class IsolationTable
{
    private static Task<Probe> P(Probe p) => Task.FromResult(p);

    private static Probe OtlpProbe(string path) => new("POST", path, Tracing.Tests.Otlp.OtlpHttp.ToOtlpJson(Tracing.Tests.Otlp.Spans.Request(
        Tracing.Tests.Otlp.Spans.New(Tracing.Tests.Otlp.Spans.TraceId(), Tracing.Tests.Otlp.Spans.SpanId(), "probe", 0, 1))), "application/json");

    //                                          none expJwt othPrj othWs othWsJwt viewer service owner admin
    public static readonly Row[] Rows =
    [
        new("POST", "/api/traces", true, w => P(Probe.Json("POST", "/api/traces", new { id = w.FreshId() })),
            new Expect(401, 401, 201, 201, 201, 403, 403, 201, 201)),
        new("POST", "/api/traces/{id}/events", true, w => P(Probe.Json("POST", $"/api/traces/{w.SessionId}/events", new { seq = w.NextSeq(), type = "log" })),
            new Expect(401, 401, 404, 404, 404, 403, 403, 201, 201)),
        // OTLP (ADR 0010): the key decides workspace and project, so another project's or workspace's key exports into its
        // own; a console token that names the project acts in it; the viewer and the service credential lack traces:write.
        new("POST", "/v1/traces", true, w => P(OtlpProbe("/v1/traces")),
            new Expect(401, 401, 200, 200, 200, 403, 403, 200, 200)),
        new("POST", "/otel/v1/traces", true, w => P(OtlpProbe("/otel/v1/traces")),
            new Expect(401, 401, 200, 200, 200, 403, 403, 200, 200)),
        new("GET", "/api/traces/{id}/events", true, w => P(new Probe("GET", $"/api/traces/{w.SessionId}/events")),
            new Expect(401, 401, 404, 404, 404, 200, 403, 200, 200), OwnerSees: w => w.PayloadMarker),
        new("GET", "/api/traces/{id}", true, w => P(new Probe("GET", $"/api/traces/{w.SessionId}")),
            new Expect(401, 401, 404, 404, 404, 200, 403, 200, 200), OwnerSees: w => w.PayloadMarker),
        // Erasure: admin console tokens only (naming the project); a fresh session of the owner's per probe.
        new("DELETE", "/api/traces/{id}", true, async w =>
            {
                var id = w.FreshId();
                await w.Owner.CreateSession(id);
                return new Probe("DELETE", $"/api/traces/{id}");
            },
            new Expect(401, 401, 403, 403, 404, 403, 403, 403, 204)),
        new("GET", "/api/sessions", false, w => P(new Probe("GET", "/api/sessions")),
            new Expect(401, 401, 200, 200, 200, 200, 403, 200, 200), OwnerSees: w => w.SessionId),
        new("POST", "/api/traces/{id}/analyze", true, w => P(new Probe("POST", $"/api/traces/{w.SessionId}/analyze")),
            new Expect(401, 401, 404, 404, 404, 403, 403, 200, 200)),
        new("GET", "/api/traces/{id}/analysis", true, w => P(new Probe("GET", $"/api/traces/{w.SessionId}/analysis")),
            new Expect(401, 401, 404, 404, 404, 200, 403, 200, 200), OwnerSees: w => w.SessionId),
        new("PUT", "/api/traces/{id}/analysis", true, w => P(Probe.Json("PUT", $"/api/traces/{w.SessionId}/analysis",
                new { detector_version = "external@1", last_seq = 1, findings = Array.Empty<object>() })),
            new Expect(401, 401, 403, 403, 403, 403, 200, 403, 403)),
        new("GET", "/api/stream", true, w => P(new Probe("GET", $"/api/stream?session_id={w.SessionId}")),
            new Expect(401, 401, 404, 404, 404, 200, 403, 200, 200)),
        new("POST", "/api/stream/tickets", false, w => P(new Probe("POST", "/api/stream/tickets")),
            new Expect(401, 401, 200, 200, 200, 200, 403, 200, 200)),
        new("POST", "/api/traces/{id}/artifacts", true, w => P(new Probe("POST", $"/api/traces/{w.SessionId}/artifacts?kind=log", "a log line", "text/plain")),
            new Expect(401, 401, 404, 404, 404, 403, 403, 201, 201)),
        new("GET", "/artifacts/{artifact_id}", false, w => P(new Probe("GET", $"/artifacts/{w.ArtifactId}")),
            new Expect(401, 401, 404, 404, 404, 302, 403, 302, 302)),
        // The signed link is a bearer capability for its TTL (ADR 0006): no credential is needed or consulted.
        new("GET", "/artifacts/{artifact_id}/content", false, w => P(new Probe("GET", w.SignedLink)),
            new Expect(200, 200, 200, 200, 200, 200, 200, 200, 200), OwnerSees: w => w.PayloadMarker, BearerCapability: true),
        // Each credential lists what it can see: a key its own project, a console token its workspace's.
        new("GET", "/api/projects", false, w => P(new Probe("GET", "/api/projects")),
            new Expect(401, 401, 200, 200, 200, 200, 403, 200, 200)),
        // Another workspace's admin lists the keys of its own project "proj", never the owner's.
        new("GET", "/api/projects/{id}/keys", false, w => P(new Probe("GET", "/api/projects/proj/keys")),
            new Expect(401, 401, 403, 403, 200, 403, 403, 403, 200)),
        new("POST", "/api/projects", false, w => P(Probe.Json("POST", "/api/projects", new { id = w.FreshId() })),
            new Expect(401, 401, 403, 403, 201, 403, 403, 403, 201)),
        new("POST", "/api/projects/{id}/keys", false, w => P(Probe.Json("POST", "/api/projects/proj/keys", new { name = "matrix" })),
            new Expect(401, 401, 403, 403, 201, 403, 403, 403, 201)),
        new("DELETE", "/api/keys/{id}", false, async w => new Probe("DELETE", $"/api/keys/{await w.ThrowawayKeyAsync()}"),
            new Expect(401, 401, 403, 403, 404, 403, 403, 403, 204)),

        // Projection operations (ADR 0012): the service credential only. The probe names no real projection, so the
        // service gets 422 instead of starting a rebuild of the shared test schema.
        new("POST", "/api/admin/projections/rebuilds", false, w => P(Probe.Json("POST", "/api/admin/projections/rebuilds", new { projections = new[] { "NoSuchProjection" } })),
            new Expect(401, 401, 403, 403, 403, 403, 422, 403, 403)),
        new("GET", "/api/admin/projections/rebuilds/{id}", false, w => P(new Probe("GET", "/api/admin/projections/rebuilds/rb_none")),
            new Expect(401, 401, 403, 403, 403, 403, 404, 403, 403)),
        new("GET", "/api/admin/projections", false, w => P(new Probe("GET", "/api/admin/projections")),
            new Expect(401, 401, 403, 403, 403, 403, 200, 403, 403)),

        // Incidents (ADR 0008): reads span the workspace for console callers; changes need incidents:write.
        new("GET", "/api/incidents", false, w => P(new Probe("GET", "/api/incidents")),
            new Expect(401, 401, 200, 200, 200, 200, 403, 200, 200), OwnerSees: w => w.IncidentId),
        new("GET", "/api/incidents/{id}", false, w => P(new Probe("GET", $"/api/incidents/{w.IncidentId}")),
            new Expect(401, 401, 404, 404, 404, 200, 403, 200, 200), OwnerSees: w => w.IncidentId),
        new("PATCH", "/api/incidents/{id}", false, w => P(new Probe("PATCH", $"/api/incidents/{w.IncidentId}", "{\"owner\":\"matrix\"}", "application/merge-patch+json")),
            new Expect(401, 401, 404, 404, 404, 403, 403, 200, 200)),
        new("POST", "/api/incidents/{id}/fix-agent", false, w => P(new Probe("POST", $"/api/incidents/{w.IncidentId}/fix-agent")),
            new Expect(401, 401, 404, 404, 404, 403, 403, 200, 200)),
        new("POST", "/api/incidents/{id}/regression-runs", false, w => P(Probe.Json("POST", $"/api/incidents/{w.IncidentId}/regression-runs",
                new { after = new { since = DateTimeOffset.UtcNow.AddHours(-1) } })),
            new Expect(401, 401, 404, 404, 404, 403, 403, 202, 202)),
        new("GET", "/api/incidents/{id}/regression-runs/{run_id}", false, w => P(new Probe("GET", $"/api/incidents/{w.IncidentId}/regression-runs/{w.RunId}")),
            new Expect(401, 401, 404, 404, 404, 200, 403, 200, 200), OwnerSees: w => w.RunId),
        // The other workspace's key addresses its own project "proj": its own configuration, never the owner's.
        new("PUT", "/api/projects/{project_id}/agent-config", false, w => P(new Probe("PUT", "/api/projects/proj/agent-config", "config " + w.FreshId(), "text/plain")),
            new Expect(401, 401, 404, 200, 200, 403, 403, 200, 200)),
        new("GET", "/api/projects/{project_id}/agent-config", false, w => P(new Probe("GET", "/api/projects/proj/agent-config")),
            new Expect(401, 401, 404, 200, 200, 200, 403, 200, 200)), // content: IsolationMatrix.a_stranger_never_reads_the_owners_agent_config
        // Search, stats and export (ADR 0019): a stranger's key reads its own (empty) scope, never the owner's.
        new("POST", "/api/search/events", false, w => P(Probe.Json("POST", "/api/search/events", new { limit = 10 })),
            new Expect(401, 401, 200, 200, 200, 200, 403, 200, 200)),
        new("GET", "/api/stats", false, w => P(new Probe("GET", "/api/stats?group_by=agent")),
            new Expect(401, 401, 200, 200, 200, 200, 403, 200, 200)),
        new("GET", "/api/export/sessions", false, w => P(new Probe("GET", "/api/export/sessions?format=jsonl")),
            new Expect(401, 401, 200, 200, 200, 200, 403, 200, 200)),
        new("GET", "/api/traces/{id}/export", true, w => P(new Probe("GET", $"/api/traces/{w.SessionId}/export?format=json")),
            new Expect(401, 401, 404, 404, 404, 200, 403, 200, 200)),
        new("GET", "/api/audit-logs", false, w => P(new Probe("GET", "/api/audit-logs")),
            new Expect(401, 401, 200, 200, 200, 200, 403, 200, 200), OwnerSees: w => w.IncidentId),
    ];
}
