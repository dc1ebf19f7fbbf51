using System.Text.Json;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;

namespace Tracing.Api.Events;

public sealed record RejectionView(int Index, string? IdempotencyKey, long? Seq, string Code, string Reason);

public sealed record AppendResponse(int Accepted, int Duplicates, IReadOnlyList<RejectionView> Rejected, long LastSeq);

/// <summary>POST /api/traces/{id}/events: one event, or a batch {"events": [...]}.</summary>
public static class AppendEventsEndpoint
{
    public const int MaxBatch = 1000;
    public const long MaxBodyBytes = 16 * 1024 * 1024;

    public static async Task<IResult> Handle(string id, HttpRequest request, Caller caller, EventAppender appender, CancellationToken ct)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        var (doc, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, ct);
        if (problem is not null) return problem;
        using var _ = doc;

        var root = doc!.RootElement;
        var isBatch = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var _);
        IReadOnlyList<JsonElement> items;
        if (isBatch)
        {
            var events = root.GetProperty("events");
            if (events.ValueKind != JsonValueKind.Array) return Problems.Validation("events", "events must be an array");
            var count = events.GetArrayLength();
            if (count == 0) return Problems.Validation("events", "events must not be empty");
            if (count > MaxBatch) return Problems.TooLarge($"A batch holds at most {MaxBatch} events; this one has {count}.");
            items = events.EnumerateArray().ToList();
        }
        else items = [root];

        var valid = new List<IncomingEvent>(items.Count);
        var invalid = new List<Rejection>();
        for (var i = 0; i < items.Count; i++)
        {
            var (e, rejection) = EventValidator.Validate(i, items[i], id);
            if (e is not null) valid.Add(e); else invalid.Add(rejection!);
        }

        var key = SessionIds.StreamKey(project, id);
        var result = await appender.AppendAsync(caller.WorkspaceId, key, id, valid, invalid, ct);
        if (!result.SessionFound) return Problems.SessionNotFound(id);
        var outcome = result.Outcome!;
        var body = new AppendResponse(outcome.Accepted.Count, outcome.Duplicates,
            outcome.Rejected.Select(r => new RejectionView(r.Index, r.IdempotencyKey, r.Seq, r.Code, r.Reason)).ToList(),
            outcome.LastSeq);

        if (outcome.Accepted.Count > 0) return isBatch ? TypedResults.Ok(body) : TypedResults.Created((string?)null, body);
        if (outcome.Duplicates > 0) return TypedResults.Ok(body);
        return Failure(body);
    }

    /// <summary>Nothing stored: 409 if any rejection is a conflict, else 422; a problem document carrying the batch result.</summary>
    private static IResult Failure(AppendResponse body)
    {
        var conflict = body.Rejected.Any(r => r.Code == Rejection.Conflict);
        var first = body.Rejected.FirstOrDefault();
        var extensions = new Dictionary<string, object?>
        {
            ["accepted"] = body.Accepted, ["duplicates"] = body.Duplicates, ["rejected"] = body.Rejected, ["last_seq"] = body.LastSeq,
        };
        var detail = first is null ? "No event was stored." : $"No event was stored. First rejection (index {first.Index}): {first.Reason}.";
        return conflict
            ? Problems.Problem(409, "conflict", "Conflict", detail, extensions)
            : Problems.Problem(422, "validation", "Validation failed", detail, extensions);
    }
}
