using Tracing.Api.Audit;
using Tracing.Api.Infrastructure;
using Tracing.Api.Access;
using Tracing.Api.Admin;
using Tracing.Api.Artifacts;
using Tracing.Api.Analysis;
using Tracing.Api.Events;
using Tracing.Api.Incidents;
using Tracing.Api.Limits;
using Tracing.Api.Sessions;
using Tracing.Api.Live;
using Tracing.Api.Projects;
using Tracing.Api.Search;
using Tracing.Api.Export;
using Tracing.Api.Stats;

namespace Tracing.Api;

/// <summary>The route table. Each endpoint lives in its feature folder.</summary>
public static class Routes
{
    public static void MapTracingApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization()
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);

        api.MapPost("/traces", CreateSessionEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Write).RequireIngestLimits()
            .WithName("CreateTrace").WithTags("Ingestion")
            .WithSummary("Create a trace session for an agent run")
            .Accepts<CreateSessionInput>("application/json")
            .Produces<SessionView>(201).Produces<SessionView>(200)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(415).ProducesProblem(422);

        api.MapPost("/traces/{id}/events", AppendEventsEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Write).RequireIngestLimits()
            .WithName("AppendEvents").WithTags("Ingestion")
            .WithSummary("Append one event or a batch {\"events\": [...]}")
            .WithDescription("Events are ordered by seq; a seq not above the session's last accepted seq is rejected. " +
                             "Retries with the same idempotency_key and content are reported as duplicates and stored once.")
            .Accepts<EventBatchInput>("application/json")
            .Produces<AppendResponse>(200).Produces<AppendResponse>(201)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

        api.MapGet("/traces/{id}/events", ReadEventsEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("ReadEvents").WithTags("Replay")
            .WithSummary("Read a session's events in seq order, paged by after_seq")
            .Produces<EventPage>(200).ProducesProblem(422);

        api.MapGet("/traces/{id}", GetSessionEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("GetTrace").WithTags("Replay")
            .WithSummary("Read one session")
            .Produces<SessionView>(200);

        api.MapDelete("/traces/{id}", DeleteSessionEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Admin)
            .WithName("DeleteTrace").WithTags("Replay")
            .WithSummary("Erase a session: its events, read models and artifacts (admin console token; audited)")
            .WithDescription("The data-protection erasure request. Name the project with X-Tracing-Project or ?project_id=. " +
                             "Hard-deletes the event stream (not archiving), the session's read models and artifact records, and " +
                             "artifact objects no other record shares, its share of search and stats, and the incidents' samples and " +
                             "counts of it (an incident_session_erased event each). Waits until the projection daemon has folded the " +
                             "session; 503 with Retry-After (nothing erased) when it did not within Tracing:Erasure:WaitSeconds.")
            .Produces(204).ProducesProblem(422).ProducesProblem(503);

        api.MapGet("/sessions", ListSessionsEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("ListSessions").WithTags("Replay")
            .WithSummary("List the caller's sessions, newest first, cursor-paged")
            .Produces<SessionPage>(200).ProducesProblem(422);

        api.MapPost("/traces/{id}/analyze", AnalysisEndpoints.Analyze)
            .RequireAuthorization(AccessSetup.Write).RequireCostlyLimits()
            .WithName("AnalyzeTrace").WithTags("Analysis")
            .WithSummary("Run the deterministic detectors on a session and record the result")
            .WithDescription("Same ordered events in, same findings out. Re-running on unchanged events records nothing new (recorded: false). " +
                             "A session beyond Tracing:Analysis:MaxSessionEvents / MaxSessionBytes is refused with 413.")
            .Produces<AnalysisResponse>(200).ProducesProblem(413);

        api.MapGet("/traces/{id}/analysis", AnalysisEndpoints.Get)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("GetAnalysis").WithTags("Analysis")
            .WithSummary("The latest recorded analysis of a session (404 before the first)")
            .Produces<AnalysisResponse>(200);

        api.MapPut("/traces/{id}/analysis", AnalysisEndpoints.Put)
            .RequireAuthorization(AccessSetup.Service)
            .WithName("PutAnalysis").WithTags("Analysis")
            .WithSummary("Persist analysis results and incident links from a server-side workflow (service credential only)")
            .WithDescription("API keys and console credentials get 403. Same validation and idempotency as POST analyze; produces the same AnalysisCompleted event.")
            .Accepts<ExternalAnalysisBody>("application/json")
            .Produces<AnalysisResponse>(200).ProducesProblem(400).ProducesProblem(415).ProducesProblem(422);

        api.MapPost("/search/events", SearchEventsEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("SearchEvents").WithTags("Search")
            .WithSummary("Search events with typed filters, cursor-paged")
            .WithDescription(SearchOpenApi.Description)
            .Accepts<SearchRequestBody>("application/json")
            .Produces<SearchPage>(200).ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

        api.MapGet("/stats", StatsEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("GetStats").WithTags("Stats")
            .WithSummary("Fleet figures per agent, model, tool, day or hour (from hourly rollups)")
            .WithDescription("group_by is required. since rounds down and until up to whole hours (default: the last 7 days). " +
                             "Latency percentiles are nearest-rank, read from log-bucketed histograms: within latency_relative_error " +
                             "(1.96 %) of the exact value. cost_usd includes computed_cost_usd, the part computed from the price table.")
            .Produces<StatsResponse>(200).ProducesProblem(422);

        api.MapGet("/export/sessions", ExportEndpoints.Sessions)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("ExportSessions").WithTags("Export")
            .WithSummary("Export sessions (the /api/sessions filters plus incident_id) as jsonl, json, csv or html")
            .WithDescription(ExportDocs.Description)
            .Produces(200, contentType: "application/x-ndjson").Produces(200, contentType: "application/json")
            .Produces(200, contentType: "text/csv").Produces(200, contentType: "text/html").ProducesProblem(422);

        api.MapGet("/traces/{id}/export", ExportEndpoints.Trace)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("ExportTrace").WithTags("Export")
            .WithSummary("Export one session with its events as jsonl, json, csv or html")
            .WithDescription(ExportDocs.Description)
            .Produces(200, contentType: "application/x-ndjson").Produces(200, contentType: "application/json")
            .Produces(200, contentType: "text/csv").Produces(200, contentType: "text/html").ProducesProblem(422);

        api.MapIncidents();
        api.MapAudit();
        api.MapTracingStream();
        api.MapTracingProjects();
        api.MapProjectionAdmin();

        api.MapPost("/traces/{id}/artifacts", UploadArtifactEndpoint.Handle)
            .RequireAuthorization(AccessSetup.WriteOrService).RequireIngestLimits()
            .WithName("UploadArtifact").WithTags("Artifacts")
            .WithSummary("Upload an artifact (multipart/form-data, or a raw body with ?kind=&seq=), or register a stored object")
            .WithDescription("multipart/form-data: one file part plus fields kind (screenshot|replay|dom|log|other) and optional seq " +
                             "(the step it belongs to). Raw: the body with its own Content-Type, kind and seq as query parameters. " +
                             "Allowed types are checked against the bytes: PNG, JPEG, WebP, GIF, WebM, MP4, JSON, text/plain, HTML, gzip, zip. " +
                             "Records an artifact.registered event at the session's next seq. Register mode (application/json without ?kind) " +
                             "needs the service credential.")
            .AddOpenApiOperationTransformer(ArtifactOpenApi.DescribeUploadBody)
            .Produces<ArtifactView>(201)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(507);

        var artifacts = app.MapGroup("/artifacts").WithTags("Artifacts");

        artifacts.MapGet("/{artifact_id}", GetArtifactEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("GetArtifact")
            .WithSummary("Redirect (302) to a short-lived signed download link for an artifact")
            .Produces(302).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);

        artifacts.MapGet("/{artifact_id}/content", ArtifactContentEndpoint.Handle)
            .AllowAnonymous()
            .WithName("DownloadArtifact")
            .WithSummary("The signed download link: the artifact's bytes (Range requests answer 206)")
            .Produces(200, contentType: "application/octet-stream").Produces(206, contentType: "application/octet-stream")
            .ProducesProblem(403).ProducesProblem(404);
    }
}
