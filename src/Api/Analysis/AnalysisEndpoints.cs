using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Analysis;
using Tracing.Domain.Sessions;
using Tracing.Projections.Analysis;
using Tracing.Workers.Analysis;
using Wolverine;

namespace Tracing.Api.Analysis;

/// <summary>POST /api/traces/{id}/analyze and GET /api/traces/{id}/analysis.</summary>
public static class AnalysisEndpoints
{
    /// <summary>Runs the detectors through Wolverine and answers with the analysis (recorded: false when unchanged).</summary>
    public static async Task<IResult> Analyze(string id, Caller caller, IMessageBus bus, AnalysisLimits limits, CancellationToken ct)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        var outcome = await bus.InvokeForTenantAsync<AnalysisOutcome>(caller.WorkspaceId,
            new AnalyzeSession(caller.WorkspaceId, project, id, "on_demand", caller.Actor), ct);
        if (outcome.TooLarge)
            return Problems.Problem(413, "session-too-large", "Session too large to analyse",
                $"Trace session '{id}' is beyond what this server analyses at once ({limits.Describe()}); nothing was recorded.");
        return outcome.Found
            ? TypedResults.Ok(AnalysisResponse.From(outcome.Analysis!, outcome.Recorded))
            : Problems.SessionNotFound(id);
    }

    public static async Task<IResult> Get(string id, Caller caller, IDocumentStore store, CancellationToken ct)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        await using var session = store.QuerySession(caller.WorkspaceId);
        var view = await session.LoadAsync<AnalysisView>(SessionIds.StreamKey(project, id), ct);
        return view is null
            ? Problems.NotFound($"Trace session '{id}' has no analysis yet (or is not visible to this credential).")
            : TypedResults.Ok(AnalysisResponse.From(view));
    }

    /// <summary>PUT: persists a server-side workflow's result (service credential only); same event, same idempotency.</summary>
    public static async Task<IResult> Put(string id, HttpRequest request, Caller caller, IMessageBus bus, CancellationToken ct)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        var (doc, problem) = await JsonBody.ReadAsync(request, 4 * 1024 * 1024, ct);
        if (problem is not null) return problem;
        using var _ = doc;
        var (input, field, error) = ExternalAnalysisInput.Parse(doc!.RootElement);
        if (input is null) return Problems.Validation(field!, error!);

        var outcome = await bus.InvokeForTenantAsync<AnalysisOutcome>(caller.WorkspaceId, new RecordExternalAnalysis(caller.WorkspaceId, project, id,
            input.DetectorVersion, input.LastSeq, input.Findings, input.IncidentLinks, caller.Actor), ct);
        return outcome.Found
            ? TypedResults.Ok(AnalysisResponse.From(outcome.Analysis!, outcome.Recorded))
            : Problems.SessionNotFound(id);
    }
}
