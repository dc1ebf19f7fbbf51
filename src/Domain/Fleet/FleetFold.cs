using Tracing.Domain.Events;
using Tracing.Domain.Sessions;

namespace Tracing.Domain.Fleet;

/// <summary>
/// The fleet projection's decisions, pure: a session's first event opens its state and counts a session; each trace
/// event yields its search row and adds to the hourly rollups of every dimension it belongs to. Uses event data only
/// (no clock), so a rebuild equals incremental processing; prices come in as a value (ADR 0020).
/// </summary>
public static class FleetFold
{
    public static FleetSession Start(string streamKey, SessionStarted e, string tenant, RollupBatch batch)
    {
        var s = new FleetSession { Id = streamKey, ProjectId = e.ProjectId, SessionId = e.SessionId, Agent = e.Agent };
        foreach (var c in Dims(tenant, s, e.CreatedAt, batch, model: null, tool: null)) c.Sessions++;
        return s;
    }

    public static SearchRow Apply(FleetSession s, TraceEventRecorded e, string tenant, long position, PriceTable prices, RollupBatch batch)
    {
        var f = StepFacts.Of(e);
        // A carried request or call (ADR 0034) is the separate event it stands for: remembered just before its answer.
        if (f.ReportedDurationMs is null && CarriedParts.Of(e) is { } part) Remember(s, part, StepFacts.Of(part));
        var duration = f.ReportedDurationMs ?? DerivedDuration(s, e, f);
        Remember(s, e, f);

        decimal? cost = f.ReportedCost;
        var computed = false;
        if (cost is null && f.IsLlmCall && (f.InputTokens is not null || f.OutputTokens is not null) &&
            prices.Find(tenant, f.Model) is { } price)
        {
            cost = price.Cost(f.InputTokens ?? 0, f.OutputTokens ?? 0, f.CachedInputTokens);
            computed = true;
        }

        var firstModel = f.Model is { } m && !s.Models.Contains(m);
        if (firstModel) s.Models.Add(f.Model!);
        var firstTool = f.Tool is { } t && !s.Tools.Contains(t);
        if (firstTool) s.Tools.Add(f.Tool!);

        foreach (var c in Dims(tenant, s, e.ReceivedAt, batch, f.Model, f.Tool))
        {
            c.Events++;
            if (f.IsError) c.Errors++;
            if (f.IsLlmCall)
            {
                c.LlmCalls++;
                if (f.IsError) c.LlmErrors++;
                c.InputTokens += f.InputTokens ?? 0;
                c.OutputTokens += f.OutputTokens ?? 0;
                c.CostUsd += cost ?? 0;
                if (computed) c.ComputedCostUsd += cost ?? 0;
                if (duration is { } d) Bump(c.LlmLatency, d);
            }
            if (f.IsToolCall)
            {
                c.ToolCalls++;
                if (f.IsError) c.ToolErrors++;
                if (duration is { } d) Bump(c.ToolLatency, d);
            }
        }
        if (firstModel) batch.At(tenant, s.ProjectId, RollupDims.Model, f.Model!, e.ReceivedAt).Sessions++;
        if (firstTool) batch.At(tenant, s.ProjectId, RollupDims.Tool, f.Tool!, e.ReceivedAt).Sessions++;

        if (e.Type == EventTypes.SessionEnded)
        {
            var failed = SessionEnd.SessionStatusAfter(e.Payload) == SessionStatus.Failed;
            var touched = Dims(tenant, s, e.ReceivedAt, batch, null, null)
                .Concat(s.Models.Select(x => batch.At(tenant, s.ProjectId, RollupDims.Model, x, e.ReceivedAt)))
                .Concat(s.Tools.Select(x => batch.At(tenant, s.ProjectId, RollupDims.Tool, x, e.ReceivedAt)));
            foreach (var c in touched)
            {
                c.SessionsEnded++;
                if (failed) c.SessionsFailed++;
            }
        }

        return new SearchRow(tenant, s.ProjectId, s.SessionId, e.Seq, position, e.Type, f.Tool, f.Model, f.Provider, f.ErrorType,
            f.FinishReason, s.Agent, e.SpanId, e.ParentSpanId, f.InputTokens, f.OutputTokens, cost, computed, duration, e.Ts,
            e.ReceivedAt, f.IsError);
    }

    private static IEnumerable<RollupCounts> Dims(string tenant, FleetSession s, DateTimeOffset at, RollupBatch batch, string? model, string? tool)
    {
        yield return batch.At(tenant, s.ProjectId, RollupDims.All, RollupDims.AllKey, at);
        yield return batch.At(tenant, s.ProjectId, RollupDims.Agent, s.Agent ?? "", at);
        if (model is not null) yield return batch.At(tenant, s.ProjectId, RollupDims.Model, model, at);
        if (tool is not null) yield return batch.At(tenant, s.ProjectId, RollupDims.Tool, tool, at);
    }

    private static void Bump(Dictionary<int, long> bins, double ms)
    {
        var b = LatencyHistogram.Bucket(ms);
        bins[b] = bins.GetValueOrDefault(b) + 1;
    }

    /// <summary>
    /// A result without a reported duration takes the client-time distance from its call: a tool result from the
    /// tool.call with its call_id (else the latest call of the same tool), an LLM response from the llm.request with its
    /// span_id (else the latest request). Both need <c>ts</c>; a negative distance (clock skew) is no measurement. A
    /// response that carries its request measures from the request's <c>started_at</c>.
    /// </summary>
    private static double? DerivedDuration(FleetSession s, TraceEventRecorded e, StepFacts f)
    {
        if (e.Ts is not { } end || !(f.IsLlmCall || f.IsToolCall)) return null;
        var kind = f.IsLlmCall ? "llm" : "tool";
        var key = f.IsLlmCall ? e.SpanId : f.CallId ?? "tool:" + f.Tool;
        var match = s.Pending.LastOrDefault(p => p.Kind == kind && key is not null && p.Key == key)
                    ?? (f.IsLlmCall ? s.Pending.LastOrDefault(p => p.Kind == kind) : null);
        if (match is null) return null;
        s.Pending.Remove(match);
        var ms = (end - match.Ts).TotalMilliseconds;
        return ms >= 0 ? ms : null;
    }

    private static void Remember(FleetSession s, TraceEventRecorded e, StepFacts f)
    {
        if (e.Ts is not { } ts) return;
        PendingCall? call = e.Type switch
        {
            EventTypes.LlmRequest => new PendingCall("llm", e.SpanId, ts),
            EventTypes.ToolCall => new PendingCall("tool", f.CallId ?? "tool:" + f.Tool, ts),
            _ => null,
        };
        if (call is null) return;
        s.Pending.Add(call);
        if (s.Pending.Count > FleetSession.MaxPending) s.Pending.RemoveAt(0);
    }
}
