using System.Text.Json;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;

namespace Tracing.Domain.Otlp;

/// <summary>The events of one export for one session, in the order they get seqs, and how to create the session.</summary>
public sealed record SessionEvents(string SessionId, string? Agent, string? Name, DateTimeOffset StartedAt, IReadOnlyList<IncomingEvent> Events);

/// <summary>A span that was not stored, by its position in the request.</summary>
public sealed record SpanRejection(int Span, string Reason);

/// <summary>
/// An export request, decided: spans grouped into sessions, each span mapped to events with an idempotency key from
/// trace id, span id and the event's role and a seq-free content hash (seqs are the server's, so a retried export
/// must match on content alone). Events keep their span's position as <see cref="IncomingEvent.Index"/>. Pure.
/// </summary>
public static class ExportPlan
{
    public const string EndRole = "end";

    public static (IReadOnlyList<SessionEvents> Sessions, IReadOnlyList<SpanRejection> Rejected) Decide(IReadOnlyList<SpanData?> spans,
        IReadOnlyList<string?> decodeErrors)
    {
        var rejected = new List<SpanRejection>();
        var bySession = new Dictionary<string, List<(SpanData Span, int Index, List<IncomingEvent> Events)>>(StringComparer.Ordinal);
        for (var i = 0; i < spans.Count; i++)
        {
            if (spans[i] is not { } span) { rejected.Add(new(i, decodeErrors[i] ?? "undecodable span")); continue; }
            var session = SessionRouting.SessionOf(span);
            if (!SessionIds.IsValid(session))
            {
                rejected.Add(new(i, $"session id '{Shorten(session)}' must be 1-128 characters of A-Za-z0-9._:-"));
                continue;
            }
            var (events, error) = Events(span, i);
            if (error is not null) { rejected.Add(new(i, error)); continue; }
            if (!bySession.TryGetValue(session, out var list)) bySession[session] = list = [];
            list.Add((span, i, events!));
        }

        var sessions = bySession.Select(kv =>
        {
            // Spans in start-time order (ties in request order), each span's events together; a root span's end last.
            var ordered = kv.Value.OrderBy(s => s.Span.StartUnixNano).ThenBy(s => s.Index).ToList();
            var events = ordered.SelectMany(s => s.Events.Where(e => !IsEnd(e)))
                .Concat(ordered.OrderBy(s => s.Span.EndUnixNano).ThenBy(s => s.Index).SelectMany(s => s.Events.Where(IsEnd)))
                .ToList();
            var first = ordered[0].Span;
            var agent = ordered.Select(s => SessionRouting.AgentOf(s.Span)).FirstOrDefault(a => a is not null);
            var name = (ordered.FirstOrDefault(s => s.Span.IsRoot).Span ?? first).Name;
            return new SessionEvents(kv.Key, Clip(agent), Clip(name), first.Start, events);
        }).ToList();
        return (sessions, rejected);
    }

    private static bool IsEnd(IncomingEvent e) => e.IdempotencyKey.EndsWith(":" + EndRole, StringComparison.Ordinal);

    /// <summary>The span's events, checked like any appended event (payload size, NUL, documented field types).</summary>
    private static (List<IncomingEvent>? Events, string? Error) Events(SpanData span, int index)
    {
        var mapped = SpanEvents.Map(span).ToList();
        if (span.IsRoot) mapped.Add(RootEnd(span));
        var events = new List<IncomingEvent>(mapped.Count);
        for (var k = 0; k < mapped.Count; k++)
        {
            var m = mapped[k];
            JsonElement payload;
            string hash;
            try { (payload, hash) = EventIdentity.Serialize(0, m.Type, m.Payload); }
            catch (JsonException) // deeper than the 64 levels a stored payload keeps to (JsonBody.MaxDepth on the native API)
            {
                return (null, $"span {span.SpanId}: its {m.Type} payload nests deeper than 64 levels");
            }
            var tooBig = JsonSafety.Utf8Length(payload) > EventValidator.MaxPayloadBytes;
            if (tooBig && SpanEvents.Split(m, span) is { } pair)
            {
                // One event a span would not fit where its two halves may: store the pair, as before ADR 0034.
                mapped.RemoveAt(k);
                mapped.InsertRange(k, pair);
                k--;
                continue;
            }
            if (tooBig)
                return (null, $"span {span.SpanId}: its {m.Type} payload exceeds {EventValidator.MaxPayloadBytes} bytes");
            if (JsonSafety.ContainsNul(payload)) return (null, $"span {span.SpanId}: attributes must not contain NUL (U+0000) characters");
            if (PayloadRules.Check(m.Type, payload) is { } bad) return (null, $"span {span.SpanId}: {bad}");
            var key = $"otlp:{span.TraceId}:{span.SpanId}:{m.Role}";
            events.Add(new IncomingEvent(index, 0, key, m.Type, m.Ts, span.SpanId, span.ParentSpanId, payload, hash));
        }
        return (events, null);
    }

    /// <summary>A root span's end ends the run: a <c>session.ended</c> event, so status, live stream and analysis follow (ADR 0011).</summary>
    private static MappedEvent RootEnd(SpanData span) => new(EndRole, EventTypes.SessionEnded, span.End, SpanEvents.Obj(
        ("status", span.Status.IsError ? "error" : "ok"), ("reason", "root span ended"), ("span_name", span.Name),
        ("trace_id", span.TraceId), ("source", "otlp")));

    /// <summary>Agent and name as <c>POST /api/traces</c> would take them: at most 200 characters, none if it holds U+0000.</summary>
    private static string? Clip(string? s) =>
        s is null || s.Contains('\0') ? null : s.Length <= CreateSession.MaxTextLength ? s : s[..CreateSession.MaxTextLength];

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
