using Tracing.Projections.Observability;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Http.Features;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Sessions;
using Tracing.Projections.Events;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Live;

/// <summary>
/// GET /api/stream: backfill from the cursor, then live, with no gap or duplicate at the seam.
/// Without session_id the id (and after_seq / Last-Event-ID) is the global position; with it, the session's seq.
/// Without a cursor a session stream starts at the session's first event, and a workspace or project stream starts
/// live at the store's current position (ADR 0042): its first block is an <c>id:</c> line without data, which sets an
/// EventSource's Last-Event-ID without dispatching anything, so even a reconnect before the first message resumes exactly.
/// </summary>
public static class StreamEndpoint
{
    private const int PageSize = 256;

    public static async Task<IResult> Handle(HttpContext http, Caller caller, StreamHub hub, EventFeed feed, IDocumentStore store,
        StreamOptions options, StreamTickets tickets, CredentialCheck credentials, BackfillGate gate, TimeProvider clock, CancellationToken ct,
        string? project_id = null, string? session_id = null, string? types = null, string? after_seq = null)
    {
        if (project_id is not null && !caller.CanSeeProject(project_id))
            return Problems.NotFound($"Project '{project_id}' is not visible to this credential.");
        var project = caller.ProjectId ?? project_id;

        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        var rawCursor = string.IsNullOrEmpty(lastEventId) ? after_seq : lastEventId;
        if (!Query.TryLong(rawCursor, 0, out var cursor))
            return Problems.Validation(string.IsNullOrEmpty(lastEventId) ? "after_seq" : "Last-Event-ID", "the cursor must be a non-negative integer");

        string? streamKey = null;
        if (session_id is not null)
        {
            if (project is null) return SessionScope.ProjectRequired();
            if (!SessionIds.IsValid(session_id)) return Problems.SessionNotFound(session_id);
            streamKey = SessionIds.StreamKey(project, session_id);
            await using var session = store.QuerySession(caller.WorkspaceId);
            if (await session.LoadAsync<SessionHead>(streamKey, ct) is null) return Problems.SessionNotFound(session_id);
        }

        var typeSet = string.IsNullOrWhiteSpace(types)
            ? null
            : types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var filter = new StreamFilter(caller.WorkspaceId, project, session_id, typeSet);

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";

        if (http.User.HasClaim(c => c.Type == StreamTickets.RedeemedClaim))
            await tickets.SetResumeCookieAsync(http, caller, ct);

        var (subscription, from) = await hub.SubscribeAsync(filter, ct);
        var watch = new CredentialWatch(caller, credentials, clock, options);
        var live = streamKey is null && string.IsNullOrEmpty(rawCursor);
        return TypedResults.ServerSentEvents(Run(http, hub, feed, options, gate, watch, subscription, from, streamKey, live ? from : cursor, live, ct));
    }

    private static async IAsyncEnumerable<SseItem<string>> Run(HttpContext http, StreamHub hub, EventFeed feed, StreamOptions options,
        BackfillGate gate, CredentialWatch watch, StreamSubscription sub, long from, string? streamKey, long cursor, bool live,
        [EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            await Comment(http, $"connected\nretry: {options.RetryMilliseconds}", ct);
            if (live) await Write(http, $"id: {from.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n\n", ct);
            var bySeq = streamKey is not null;
            // Everything at or below the client's cursor counts as delivered (all messages of one event share its id).
            var last = (Id: cursor, Ordinal: int.MaxValue);
            long readPosition = bySeq ? 0 : cursor, readSeq = bySeq ? cursor : 0;

            // 1. Backfill up to the position the subscription started at, in pages bounded by rows and bytes; a page is
            //    held (and its slot of the node's backfill gate) until its messages are written.
            while (!live)
            {
                await gate.EnterAsync(ct);
                bool more;
                try
                {
                    var page = bySeq
                        ? await feed.ReadSessionAsync(sub.Filter.Tenant, streamKey!, readSeq, from, PageSize, options.BackfillPageBytes, ct)
                        : await feed.ReadTenantAsync(sub.Filter.Tenant, sub.Filter.ProjectId, readPosition, from, PageSize, options.BackfillPageBytes, ct);
                    foreach (var row in page.Rows)
                    {
                        var messages = StreamMessages.From(row).ToList(); // parsed once: for the filter and the seq cursor
                        foreach (var m in messages.Where(sub.Filter.Matches))
                        {
                            last = m.Key(bySeq);
                            yield return Item(m, bySeq);
                        }
                        readPosition = row.Position;
                        if (bySeq && messages.Count > 0) readSeq = messages[0].Seq;
                    }
                    more = page.More || page.Rows.Count == PageSize;
                }
                finally
                {
                    gate.Exit();
                }
                if (!more) break;
                if (!await watch.StillValidAsync(ct)) { await Comment(http, CredentialWatch.EndedComment, ct); yield break; }
            }

            // 2. Live: what the hub delivered above `from`, skipping anything at or below the last sent cursor
            //    (another node may have served this client further than this node's backfill reached).
            var heartbeat = TimeSpan.FromSeconds(options.HeartbeatSeconds);
            var endAt = watch.EndAt;
            while (!ct.IsCancellationRequested && watch.Now < endAt)
            {
                if (!await watch.StillValidAsync(ct)) { await Comment(http, CredentialWatch.EndedComment, ct); yield break; }
                while (sub.Reader.TryRead(out var m))
                {
                    if (m.Key(bySeq).CompareTo(last) <= 0) continue;
                    last = m.Key(bySeq);
                    yield return Item(m, bySeq);
                }
                if (sub.Overflowed) // slow consumer: cut off; it resumes with Last-Event-ID
                {
                    TracingMeter.StreamDroppedConsumers.Add(1);
                    yield break;
                }
                // A quiet connection must still end on time and recheck its credential on time, not at the next heartbeat.
                var now = watch.Now;
                var left = Min(endAt - now, watch.NextCheck - now);
                if (left < heartbeat)
                {
                    if (left > TimeSpan.Zero) await WaitAsync(sub, left, ct);
                }
                else if (!await WaitAsync(sub, heartbeat, ct)) await Comment(http, "heartbeat", ct);
            }
        }
        finally
        {
            hub.Unsubscribe(sub);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static SseItem<string> Item(StreamMessage m, bool bySeq) =>
        new(m.Data, m.Name) { EventId = (bySeq ? m.Seq : m.Position).ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>True when a message is ready; false when the heartbeat interval passed first.</summary>
    private static async Task<bool> WaitAsync(StreamSubscription sub, TimeSpan heartbeat, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(heartbeat);
        try
        {
            await sub.Reader.WaitToReadAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    // The framework's SSE writer has no comment lines; between items the response is ours to write.
    private static async Task Comment(HttpContext http, string text, CancellationToken ct)
    {
        var lines = string.Join("\n", text.Split('\n').Select(l => l.StartsWith("retry:") ? l : ": " + l));
        await Write(http, lines + "\n\n", ct);
    }

    private static async Task Write(HttpContext http, string text, CancellationToken ct)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
