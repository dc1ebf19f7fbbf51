using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Projections.Rebuilds;

namespace Tracing.Api.Admin;

/// <summary>
/// Rebuilds on a live system (ADR 0012): any node accepts the request, the projection leader executes it. Service
/// credential only: a rebuild touches every workspace's read models.
/// </summary>
public static class RebuildEndpoints
{
    public static void MapProjectionAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/projections").RequireAuthorization(AccessSetup.Service).WithTags("Operations");

        admin.MapPost("/rebuilds", Request)
            .WithName("RequestRebuild")
            .WithSummary("Rebuild async read models blue/green on the projection leader (service credential only)")
            .WithDescription("Body optional: {\"projections\": [names]}; default every registered async projection. 202 with the " +
                             "rebuild and its Location; 409 while another rebuild is queued or running.")
            .Accepts<RebuildInput>("application/json")
            .Produces<RebuildView>(202).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

        admin.MapGet("/rebuilds/{id}", Get)
            .WithName("GetRebuild")
            .WithSummary("A rebuild's status and per-projection progress: events processed, target, rate, ETA")
            .Produces<RebuildView>(200);

        admin.MapGet("", List)
            .WithName("ListProjections")
            .WithSummary("The registered async projections and the active rebuild, if any")
            .Produces<ProjectionsView>(200);
    }

    public sealed record ProjectionsView(IReadOnlyList<string> Projections, RebuildView? ActiveRebuild);

    private static async Task<Results<Accepted<RebuildView>, ProblemHttpResult>> Request(HttpRequest request, Caller caller,
        RebuildRequests rebuilds, CancellationToken ct)
    {
        string[]? names = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (doc, problem) = await JsonBody.ReadAsync(request, 64 * 1024, ct);
            if (problem is not null) return problem;
            using (doc)
            {
                if (doc!.RootElement.ValueKind != JsonValueKind.Object)
                    return Problems.Validation("", "The body must be a JSON object.");
                if (doc.RootElement.TryGetProperty("projections", out var list))
                {
                    if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                        return Problems.Validation("projections", "projections must be an array of projection names.");
                    names = list.EnumerateArray().Select(e => e.GetString()!).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                }
            }
        }
        var result = await rebuilds.RequestAsync(names, $"service:{caller.Actor}", ct);
        if (result.Unknown.Count > 0)
            return Problems.Validation("projections", $"Unknown async projection(s): {string.Join(", ", result.Unknown)}.");
        if (result.AlreadyActive is { } active)
            return Problems.Problem(409, "rebuild-in-progress", "A rebuild is already active",
                $"Rebuild {active.Id} is {active.Status}; follow it at /api/admin/projections/rebuilds/{active.Id}.",
                new Dictionary<string, object?> { ["rebuild_id"] = active.Id });
        var view = RebuildView.From(result.Accepted!);
        return TypedResults.Accepted($"/api/admin/projections/rebuilds/{view.Id}", view);
    }

    private static async Task<Results<Ok<RebuildView>, ProblemHttpResult>> Get(string id, RebuildRequests rebuilds, CancellationToken ct) =>
        await rebuilds.GetAsync(id, ct) is { } r ? TypedResults.Ok(RebuildView.From(r)) : Problems.NotFound($"No rebuild '{id}'.");

    private static async Task<Ok<ProjectionsView>> List(RebuildRequests rebuilds, AsyncProjectionCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok(new ProjectionsView(catalog.All.Select(p => p.Name).ToList(),
            await rebuilds.ActiveAsync(ct) is { } a ? RebuildView.From(a) : null));
}
