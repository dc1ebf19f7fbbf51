using Tracing.Api.Infrastructure;
using Tracing.Api.Limits;
using Tracing.Api.Access;
using Tracing.Api.Sessions;

namespace Tracing.Api.Incidents;

/// <summary>Routes of the incidents feature (docs/adr/0008-incidents.md): incidents, fix agent, regression runs.</summary>
public static class IncidentRoutes
{
    public static void MapIncidents(this RouteGroupBuilder api)
    {
        api.MapGet("/incidents", ListIncidentsEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("ListIncidents").WithTags("Incidents")
            .WithSummary("The caller's incidents (one per project and failure fingerprint), cursor-paged")
            .WithDescription("Filters: project_id, status, owner, detector, since (last seen). sort=last_seen (default) or occurrences.")
            .Produces<Page<IncidentView>>(200).ProducesProblem(422);

        api.MapGet("/incidents/{id}", GetIncidentEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("GetIncident").WithTags("Incidents")
            .WithSummary("One incident; the ETag header is its version for If-Match")
            .Produces<IncidentView>(200);

        api.MapMethods("/incidents/{id}", ["PATCH"], PatchIncidentEndpoint.Handle)
            .RequireAuthorization(AccessSetup.IncidentsWrite)
            .WithName("PatchIncident").WithTags("Incidents")
            .WithSummary("Triage: status (open|acknowledged|resolved|ignored) and owner (string or null) by JSON merge patch")
            .WithDescription("Send If-Match with the ETag you read to avoid overwriting someone else's change (412 when stale).")
            .Accepts<IncidentPatchInput>("application/merge-patch+json", "application/json")
            .Produces<IncidentView>(200).ProducesProblem(400).ProducesProblem(412).ProducesProblem(415).ProducesProblem(422);

        api.MapPost("/incidents/{id}/fix-agent", FixAgentEndpoint.Handle)
            .RequireAuthorization(AccessSetup.IncidentsWrite).RequireCostlyLimits()
            .WithName("DispatchFixAgent").WithTags("Incidents")
            .WithSummary("Ask the fix agent for a plan and a diff against the project's agent config")
            .WithDescription("Answers 200 with the plan and diff (mode model, or the labelled fallback with its reason) when the " +
                             "proposal lands within Tracing:FixAgent:WaitSeconds (default: the model timeout + 5 s); otherwise 202 " +
                             "with Location: the incident, whose fix_proposal shows it when it lands. While a dispatch is pending, " +
                             "further requests join it rather than calling the model again.")
            .Produces<FixAnswerView>(200).Produces<FixDispatchView>(202);

        api.MapPost("/incidents/{id}/regression-runs", RegressionRunEndpoints.Create)
            .RequireAuthorization(AccessSetup.IncidentsWrite).RequireCostlyLimits()
            .WithName("StartRegressionRun").WithTags("Incidents")
            .WithSummary("Replay the incident's sessions and later ones through the current detectors: fixed, not_fixed or inconclusive")
            .Accepts<RegressionRunInput>("application/json")
            .Produces<RegressionRunView>(202).ProducesProblem(400).ProducesProblem(415).ProducesProblem(422);

        api.MapGet("/incidents/{id}/regression-runs/{run_id}", RegressionRunEndpoints.Get)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("GetRegressionRun").WithTags("Incidents")
            .WithSummary("A regression run: queued, running or completed, with per-session results and the verdict")
            .Produces<RegressionRunView>(200);
    }
}

/// <summary>OpenAPI shapes of request bodies (the endpoints parse the JSON themselves, strictly).</summary>
public sealed record IncidentPatchInput(string? Status, string? Owner);

public sealed record RegressionRunInput(RegressionRunAfterInput After);

public sealed record RegressionRunAfterInput(IReadOnlyList<string>? SessionIds, DateTimeOffset? Since);
