using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Fleet;
using Tracing.Projections.Fleet;

namespace Tracing.Api.Stats;

/// <summary>GET /api/stats: fleet figures per agent, model, tool, day or hour, read from hourly rollups (ADR 0019).</summary>
public static class StatsEndpoint
{
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    public static async Task<IResult> Handle(Caller caller, StatsReader reader, TimeProvider clock, CancellationToken ct,
        string? project_id = null, string? since = null, string? until = null, string? group_by = null)
    {
        if (group_by is null || !StatsReader.GroupBys.Contains(group_by))
            return Problems.Validation("group_by", "group_by is required: one of agent, model, tool, day, hour");
        if (!Query.TryTime(since, out var from)) return Problems.Validation("since", "since must be an ISO 8601 timestamp");
        if (!Query.TryTime(until, out var to)) return Problems.Validation("until", "until must be an ISO 8601 timestamp");
        if (ProjectWall.Check(caller, project_id) is { } denied) return denied;

        // Rollups are hourly: the range widens to whole hours (since rounds down, until up) and the answer says so.
        var end = CeilHour(to ?? clock.GetUtcNow());
        var start = FloorHour(from ?? end - DefaultRange);
        if (start >= end) return Problems.Validation("since", "since must be before until");
        if (end - start > MaxRange) return Problems.Validation("since", $"the range may span at most {MaxRange.TotalDays:F0} days");

        var groups = await reader.ReadAsync(caller.WorkspaceId, project_id ?? caller.ProjectId, group_by, start, end, ct);
        return TypedResults.Ok(new StatsResponse(start, end, group_by, "hour", LatencyHistogram.RelativeError,
            groups.Select(StatsRow.From).ToList()));
    }

    private static DateTimeOffset FloorHour(DateTimeOffset t) =>
        new(t.UtcDateTime.Year, t.UtcDateTime.Month, t.UtcDateTime.Day, t.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset CeilHour(DateTimeOffset t)
    {
        var floor = FloorHour(t);
        return floor == t.ToUniversalTime() ? floor : floor.AddHours(1);
    }
}

public sealed record StatsResponse(DateTimeOffset Since, DateTimeOffset Until, string GroupBy, string Bucket,
    double LatencyRelativeError, IReadOnlyList<StatsRow> Data);

public sealed record LatencyView(long Count, double? P50, double? P95, double? P99)
{
    public static LatencyView From(Dictionary<int, long> bins) => new(bins.Values.Sum(),
        LatencyHistogram.Percentile(bins, 0.50), LatencyHistogram.Percentile(bins, 0.95), LatencyHistogram.Percentile(bins, 0.99));
}

public sealed record StepStats(long Calls, long Errors, double? ErrorRate, LatencyView LatencyMs);

/// <summary>One group's figures; rates are null where their denominator is 0.</summary>
public sealed record StatsRow(
    string? Key, long Sessions, long SessionsEnded, long SessionsFailed, double? SessionErrorRate, long Events, long Errors,
    double? ErrorRate, StepStats Llm, StepStats Tool, long InputTokens, long OutputTokens, decimal CostUsd, decimal ComputedCostUsd)
{
    public static StatsRow From(StatsGroup g)
    {
        var c = g.Counts;
        return new StatsRow(g.Key == "" ? null : g.Key, c.Sessions, c.SessionsEnded, c.SessionsFailed, Rate(c.SessionsFailed, c.SessionsEnded),
            c.Events, c.Errors, Rate(c.Errors, c.Events),
            new StepStats(c.LlmCalls, c.LlmErrors, Rate(c.LlmErrors, c.LlmCalls), LatencyView.From(c.LlmLatency)),
            new StepStats(c.ToolCalls, c.ToolErrors, Rate(c.ToolErrors, c.ToolCalls), LatencyView.From(c.ToolLatency)),
            c.InputTokens, c.OutputTokens, c.CostUsd, c.ComputedCostUsd);
    }

    private static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;
}
