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

/// <summary>
/// GET /api/traces/{id}/events: ordered by seq, never by client timestamp; paged by after_seq. Rows stream from the
/// database to the response one at a time; a page ends at <c>limit</c> events or before <see cref="ReplayOptions.MaxPageBytes"/>.
/// </summary>
public static class ReadEventsEndpoint
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    public static async Task<IResult> Handle(string id, Caller caller, IDocumentStore store, EventLog log, ReplayOptions options, CancellationToken ct,
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

        return new StreamedPage(log.StreamAsync(caller.WorkspaceId, key, after, take + 1, ct), after, take, options.MaxPageBytes);
    }

    private sealed class StreamedPage(IAsyncEnumerable<EventLog.StoredEvent> rows, long after, int take, long maxBytes) : IResult
    {
        private const int FlushEvery = 64 * 1024;

        public async Task ExecuteAsync(HttpContext http)
        {
            // The first read happens before anything is written, so a store outage is still a clean 503.
            await using var e = rows.GetAsyncEnumerator(http.RequestAborted);
            var more = await e.MoveNextAsync();
            http.Response.ContentType = "application/json; charset=utf-8";
            // Straight into the response pipe, flushed every 64 KB: the page is never buffered whole.
            var body = http.Response.BodyWriter;
            using var w = new Utf8JsonWriter(body);
            w.WriteStartObject();
            w.WriteStartArray("data");
            long next = after, bytes = 0;
            var count = 0;
            var hasMore = false;
            for (; more; more = await e.MoveNextAsync())
            {
                var r = e.Current;
                // The row after the last one sent exists: more to read (the limit, or the byte budget, ended the page).
                if (count == take || (count > 0 && bytes + r.Utf8Json.Length > maxBytes))
                {
                    hasMore = true;
                    break;
                }
                w.WriteRawValue(r.Utf8Json, skipInputValidation: true);
                bytes += r.Utf8Json.Length;
                count++;
                next = r.Seq;
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
