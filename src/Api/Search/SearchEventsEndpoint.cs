using System.Globalization;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Search;
using Tracing.Projections.Fleet;

namespace Tracing.Api.Search;

/// <summary>POST /api/search/events: typed filters over the fleet index, cursor-paged (docs/search.md, ADR 0019).</summary>
public static class SearchEventsEndpoint
{
    public const long MaxBodyBytes = 64 * 1024;

    public static async Task<IResult> Handle(HttpRequest request, Caller caller, SearchReader reader, CancellationToken ct)
    {
        var (doc, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, ct);
        if (problem is not null) return problem;
        using var _ = doc;
        var (query, error) = SearchRequestParser.Parse(doc!.RootElement);
        if (error is not null) return Problems.Validation(error.Field, error.Message);
        if (ProjectWall.Check(caller, query!.ProjectId) is { } denied) return denied;
        query = query with { ProjectId = query.ProjectId ?? caller.ProjectId };

        var (hits, more) = await reader.SearchAsync(caller.WorkspaceId, query, ct);
        // A cursor follows every non-empty page, so an ascending reader can poll for rows appended after its last page.
        var next = hits.Count > 0 ? new SearchCursor(query.Sort, query.Descending, hits[^1].Position, hits[^1].ReceivedAt).Encode() : null;
        return TypedResults.Ok(new SearchPage(hits.Select(SearchHitView.From).ToList(), next, more));
    }
}

public sealed record SearchPage(IReadOnlyList<SearchHitView> Data, string? NextCursor, bool HasMore);

/// <summary>A hit as the API shows it, with links to its session and to the event itself in replay.</summary>
public sealed record SearchHitView(
    string SessionId, string ProjectId, long Seq, long Position, string Type, DateTimeOffset? Ts, DateTimeOffset ReceivedAt,
    string? Agent, string? Tool, string? Model, string? Provider, string? ErrorType, string? FinishReason, string? SpanId,
    string? ParentSpanId, long? InputTokens, long? OutputTokens, decimal? Cost, bool CostComputed, double? DurationMs, bool IsError,
    SearchLinks Links)
{
    public static SearchHitView From(SearchHit h)
    {
        var project = Uri.EscapeDataString(h.ProjectId);
        var session = Uri.EscapeDataString(h.SessionId);
        var links = new SearchLinks($"/api/traces/{session}?project_id={project}",
            $"/api/traces/{session}/events?project_id={project}&after_seq={(h.Seq - 1).ToString(CultureInfo.InvariantCulture)}&limit=1");
        return new SearchHitView(h.SessionId, h.ProjectId, h.Seq, h.Position, h.Type, h.Ts, h.ReceivedAt, h.Agent, h.Tool, h.Model,
            h.Provider, h.ErrorType, h.FinishReason, h.SpanId, h.ParentSpanId, h.InputTokens, h.OutputTokens, h.Cost, h.CostComputed,
            h.DurationMs, h.IsError, links);
    }
}

public sealed record SearchLinks(string Session, string Event);
