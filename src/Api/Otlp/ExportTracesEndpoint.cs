using Google.Protobuf;
using Tracing.Api.Access;
using Tracing.Api.Events;
using Tracing.Api.Infrastructure;
using Tracing.Api.Otlp.Proto;
using Tracing.Domain.Otlp;
using Tracing.Domain.Sessions;
using Tracing.Projections;

namespace Tracing.Api.Otlp;

/// <summary>
/// POST /v1/traces (and /otel/v1/traces): an OTLP/HTTP trace export. Spans become events of their sessions through
/// the same append path as POST /api/traces/{id}/events (ADR 0010); the answer is an ExportTraceServiceResponse in
/// the request's encoding, with partial_success when spans were refused.
/// </summary>
public static class ExportTracesEndpoint
{
    public static async Task<IResult> Handle(HttpRequest request, Caller caller, OtlpOptions limits, EventAppender appender,
        OtlpSessions sessions, CancellationToken ct)
    {
        if (OtlpAccess.Check(request, caller) is { } denied) return denied;
        var (body, problem) = await OtlpBody.ReadAsync(request, limits, ct);
        if (problem is not null) return problem;

        var count = SpanConversion.CountSpans(body!.Request);
        if (count > limits.MaxSpans)
            return Problems.TooLarge($"An export holds at most {limits.MaxSpans} spans (Tracing:Otlp:MaxSpans); this one has {count}.");

        var (spans, errors) = SpanConversion.Flatten(body.Request);
        var (plan, refused) = ExportPlan.Decide(spans, errors);
        var rejected = refused.ToList();
        try
        {
            foreach (var s in plan) rejected.AddRange(await AppendAsync(caller, s, appender, sessions, ct));
        }
        catch (Exception ex) when (StoreOutage.Is(ex))
        {
            return StoreOutage.Answer(request.HttpContext);
        }
        catch (Exception ex) when (LostRace.Is(ex))
        {
            // Appends wait on the session's stream lock instead of racing (ADR 0027), so this is a backstop: a write that
            // still lost a race is throttling, not a failure. OTLP clients retry a 503 with Retry-After; what was
            // committed before is reported as duplicates then.
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Problems.Problem(503, "contention", "Session busy",
                "Concurrent exports into the same session kept winning the race; nothing more was stored. Retry after 1 s.");
        }
        return Answer(body.IsJson, PartialSuccess(rejected));
    }

    /// <summary>Appends one session's events, creating the session on first sight; the spans refused by the decision.</summary>
    private static async Task<IEnumerable<SpanRejection>> AppendAsync(Caller caller, SessionEvents s, EventAppender appender,
        OtlpSessions sessions, CancellationToken ct)
    {
        var project = caller.ProjectId!;
        var key = SessionIds.StreamKey(project, s.SessionId);
        var result = await appender.AppendAtNextAsync(caller.WorkspaceId, key, s.SessionId, s.Events, ct);
        if (!result.SessionFound)
        {
            await sessions.CreateAsync(caller.WorkspaceId, project, caller.Actor, s, ct);
            result = await appender.AppendAtNextAsync(caller.WorkspaceId, key, s.SessionId, s.Events, ct);
            if (!result.SessionFound) throw new InvalidOperationException($"Session {key} vanished after its creation.");
        }
        return result.Outcome!.Rejected.Select(r => new SpanRejection(r.Index, $"span {Span(s, r.Index)}: {r.Reason}"));
    }

    private static string? Span(SessionEvents s, int index) => s.Events.FirstOrDefault(e => e.Index == index)?.SpanId;

    private static ExportTraceServiceResponse PartialSuccess(List<SpanRejection> rejected)
    {
        var response = new ExportTraceServiceResponse();
        var spans = rejected.Select(r => r.Span).Distinct().Count();
        if (spans == 0) return response;
        var reasons = rejected.GroupBy(r => r.Span).OrderBy(g => g.Key).Take(5).Select(g => g.First().Reason);
        response.PartialSuccess = new ExportTracePartialSuccess
        {
            RejectedSpans = spans,
            ErrorMessage = $"{spans} span(s) not stored: {string.Join("; ", reasons)}{(spans > 5 ? "; ..." : "")}",
        };
        return response;
    }

    private static IResult Answer(bool json, ExportTraceServiceResponse response) => json
        ? TypedResults.Text(OtlpJson.Format(response), OtlpBody.Json)
        : TypedResults.Bytes(response.ToByteArray(), OtlpBody.Protobuf);
}
