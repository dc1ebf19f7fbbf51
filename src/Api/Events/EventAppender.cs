using Marten;
using Tracing.Domain.Events;
using Tracing.Projections.Events;
using Tracing.Projections.Observability;
using Tracing.Projections.Sessions;
using Tracing.Workers.Analysis;
using Wolverine.Marten;

namespace Tracing.Api.Events;

/// <summary>
/// The side-effect shell around the append decision (ADR 0003, ADR 0027). Plain trace events take the set-based append:
/// one round trip that locks the stream, judges the batch in the database and writes it. A batch that also needs
/// Marten's unit of work (a <c>session.ended</c> that publishes its analysis through the outbox, or documents stored
/// alongside) takes Marten's append under the same stream lock (<c>FetchForExclusiveWriting</c>). Both paths wait
/// for the lock instead of retrying, so racing writers end up as duplicates, never as double writes or lost races.
/// </summary>
public sealed class EventAppender(IDocumentStore store, EventLog log, SetAppend setAppend, TimeProvider clock, IServiceScopeFactory scopes)
{
    private static readonly string DotnetType =
        $"{typeof(TraceEventRecorded).FullName}, {typeof(TraceEventRecorded).Assembly.GetName().Name}";

    public sealed record Result(bool SessionFound, AppendOutcome? Outcome);

    public Task<Result> AppendAsync(string workspace, string streamKey, string sessionId,
        IReadOnlyList<IncomingEvent> valid, IReadOnlyList<Rejection> invalid, CancellationToken ct) =>
        NeedsUnitOfWork(valid)
            ? MartenAsync(workspace, streamKey, valid.Select(e => e.IdempotencyKey),
                (lastSeq, stored) => AppendDecision.Decide(lastSeq, valid, invalid, stored), sessionId, null, ct)
            : SetAsync(workspace, streamKey, sessionId, AppendPlan.WithSeqs(valid, invalid), ct);

    /// <summary>
    /// Appends events whose seqs the server assigns (OTLP spans): after the session's last seq, in the order given.
    /// A retried export's events are found under their keys in the same statement and reported as duplicates.
    /// </summary>
    public Task<Result> AppendAtNextAsync(string workspace, string streamKey, string sessionId,
        IReadOnlyList<IncomingEvent> unsequenced, CancellationToken ct) =>
        NeedsUnitOfWork(unsequenced)
            ? MartenAsync(workspace, streamKey, unsequenced.Select(e => e.IdempotencyKey),
                (lastSeq, stored) => AppendDecision.DecideAtNext(lastSeq, unsequenced, stored), sessionId, null, ct)
            : SetAsync(workspace, streamKey, sessionId, AppendPlan.AtNextSeqs(unsequenced), ct);

    /// <summary>
    /// Appends one server-made event at the session's next seq (last accepted + 1) and stores <paramref name="alongside"/>
    /// documents in the same transaction when it is accepted.
    /// </summary>
    public Task<Result> AppendNextAsync(string workspace, string streamKey, string sessionId, string idempotencyKey,
        Func<long, IncomingEvent> eventAt, Action<IDocumentSession, IncomingEvent> alongside, CancellationToken ct) =>
        MartenAsync(workspace, streamKey, [idempotencyKey],
            (lastSeq, stored) => AppendDecision.Decide(lastSeq, [eventAt(lastSeq + 1)], [], stored), sessionId, alongside, ct);

    private static bool NeedsUnitOfWork(IReadOnlyList<IncomingEvent> events)
    {
        foreach (var e in events) if (e.Type == EventTypes.SessionEnded) return true;
        return false;
    }

    private async Task<Result> SetAsync(string workspace, string streamKey, string sessionId, AppendPlan plan, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        var serializer = store.Options.Serializer();
        var rows = new List<SetAppend.Row>(plan.Candidates.Count);
        for (var ordinal = 0; ordinal < plan.Candidates.Count; ordinal++)
        {
            var e = plan.Candidates[ordinal];
            var data = new TraceEventRecorded(sessionId, e.Seq, e.IdempotencyKey, e.Type, e.Ts, e.SpanId, e.ParentSpanId,
                e.Payload, receivedAt, e.ContentHash);
            rows.Add(new SetAppend.Row(ordinal, EventIdentity.EventId(workspace, streamKey, e.IdempotencyKey), e.Seq,
                e.ContentHash, serializer.ToJson(data)));
        }

        if (rows.Count == 0)
        {
            // Nothing to judge (every event invalid): the outcome only needs the session's last seq.
            await using var query = store.QuerySession(workspace);
            var head = await query.LoadAsync<SessionHead>(streamKey, ct);
            return head is null ? new Result(false, null) : Recorded(plan.Resolve(head.LastSeq, []));
        }

        var verdicts = await setAppend.AppendAsync(workspace, streamKey, rows, plan.AtNext, DotnetType, ct);
        if (verdicts is null || verdicts.Count == 0) return new Result(false, null);
        return Recorded(plan.Resolve(verdicts[0].LastSeq, verdicts));
    }

    private async Task<Result> MartenAsync(string workspace, string streamKey, IEnumerable<string> keys,
        Func<long, IReadOnlyDictionary<string, StoredKey>, AppendOutcome> decide, string sessionId,
        Action<IDocumentSession, IncomingEvent>? alongside, CancellationToken ct)
    {
        var ids = keys.Select(k => EventIdentity.EventId(workspace, streamKey, k)).Distinct().ToArray();
        await using var session = store.LightweightSession(workspace);
        // The stream row stays locked until the commit: every other writer of this session waits, so the keys read
        // next and the decision cannot be overtaken, and the commit cannot lose a race.
        var stream = await session.Events.FetchForExclusiveWriting<SessionHead>(streamKey, ct);
        // Marten locks the stream row and loads the inline head in two commands with two snapshots: a creation that
        // commits between them gives a head but no locked row (version 0, start-stream mode), and appending would start
        // the stream again and collide. That is "not found yet": the OTLP caller creates (losing that race harmlessly)
        // and appends again under the lock.
        if (stream.Aggregate is null || (stream.CurrentVersion ?? 0) == 0) return new Result(false, null);

        var stored = await log.FindKeysAsync(workspace, ids, ct);
        var outcome = decide(stream.Aggregate.LastSeq, stored);
        if (outcome.Accepted.Count == 0) return Recorded(outcome);

        var receivedAt = clock.GetUtcNow();
        foreach (var e in outcome.Accepted)
        {
            var data = new TraceEventRecorded(sessionId, e.Seq, e.IdempotencyKey, e.Type, e.Ts, e.SpanId,
                e.ParentSpanId, e.Payload, receivedAt, e.ContentHash);
            var wrapped = session.Events.BuildEvent(data);
            wrapped.Id = EventIdentity.EventId(workspace, streamKey, e.IdempotencyKey);
            stream.AppendOne(wrapped);
            alongside?.Invoke(session, e);
        }

        // A session that ends triggers its analysis: published through Wolverine's Marten outbox, so the
        // trigger commits (or not) with the events, then runs durably with retries.
        using var scope = outcome.Accepted.Any(e => e.Type == EventTypes.SessionEnded) ? scopes.CreateScope() : null;
        if (scope is not null)
        {
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            outbox.Enroll(session);
            await outbox.PublishAsync(new AnalyzeEndedSession(workspace, stream.Aggregate.ProjectId, sessionId));
        }

        await session.SaveChangesAsync(ct);
        return Recorded(outcome);
    }

    private static Result Recorded(AppendOutcome outcome)
    {
        TracingMeter.RecordIngest(outcome.Accepted.Count, outcome.Duplicates, outcome.Rejected.Select(r => r.Code));
        return new Result(true, outcome);
    }
}
