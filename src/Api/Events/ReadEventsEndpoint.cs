using System.Text.Json;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Sessions;
using Tracing.Projections.Events;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Events;

/// <summary>The documented shape of a replay page (the endpoint writes stored JSON through without re-serialising).</summary>
public sealed record EventPage(IReadOnlyList<JsonElement> Data, long NextAfterSeq, bool HasMore);

/// <summary>GET /api/traces/{id}/events: ordered by seq, never by client timestamp; paged by after_seq.</summary>
public static class ReadEventsEndpoint
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    public static async Task<IResult> Handle(string id, Caller caller, IDocumentStore store, EventLog log, CancellationToken ct,
        string? after_seq = null, string? limit = null)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        if (!Query.TryLong(after_seq, 0, out var after)) return Problems.Validation("after_seq", "after_seq must be a non-negative integer");
        if (!Query.TryInt(limit, DefaultLimit, 1, MaxLimit, out var take))
            return Problems.Validation("limit", $"limit must be an integer between 1 and {MaxLimit}");

        var key = SessionIds.StreamKey(project, id);
        await using (var session = store.QuerySession(caller.WorkspaceId))
        {
            if (await session.LoadAsync<SessionHead>(key, ct) is null) return Problems.SessionNotFound(id);
        }

        var rows = await log.ReadAsync(caller.WorkspaceId, key, after, take + 1, ct);
        var hasMore = rows.Count > take;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        var next = rows.Count > 0 ? rows[^1].Seq : after;
        return new RawJsonPage(rows, next, hasMore);
    }

    private sealed class RawJsonPage(List<EventLog.StoredEvent> rows, long next, bool hasMore) : IResult
    {
        private const int FlushEvery = 64 * 1024;

        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            // Straight into the response pipe, flushed every 64 KB: a 5,000-event page (~3 MB) is never buffered whole.
            var body = http.Response.BodyWriter;
            using var w = new Utf8JsonWriter(body);
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var r in rows)
            {
                w.WriteRawValue(r.Utf8Json, skipInputValidation: true);
                if (w.BytesPending >= FlushEvery)
                {
                    w.Flush();
                    await body.FlushAsync(http.RequestAborted);
                }
            }
            w.WriteEndArray();
            w.WriteNumber("next_after_seq", next);
            w.WriteBoolean("has_more", hasMore);
            w.WriteEndObject();
            w.Flush();
            await body.FlushAsync(http.RequestAborted);
        }
    }
}
