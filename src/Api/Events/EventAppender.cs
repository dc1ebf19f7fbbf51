using Tracing.Projections;
using System.Text.Json;
using Marten;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Events;
using Tracing.Workers.Analysis;
using Wolverine.Marten;
using Tracing.Projections.Events;
using Tracing.Projections.Sessions;
using Tracing.Projections.Observability;

namespace Tracing.Api.Events;

/// <summary>
/// The side-effect shell around <see cref="AppendDecision"/>: fetch the session head for writing,
/// look up stored keys, decide, append in one transaction. A lost race (stream version or unique index)
/// is retried from a fresh read, so racing retries end up as duplicates rather than double writes.
/// </summary>
public sealed class EventAppender(IDocumentStore store, EventLog log, TimeProvider clock, IServiceScopeFactory scopes)
{
    private const int MaxAttempts = 8;
    private static readonly IReadOnlyDictionary<string, StoredKey> NoStoredKeys = new Dictionary<string, StoredKey>();

    public sealed record Result(bool SessionFound, AppendOutcome? Outcome);

    public Task<Result> AppendAsync(string workspace, string streamKey, string sessionId,
        IReadOnlyList<IncomingEvent> valid, IReadOnlyList<Rejection> invalid, CancellationToken ct) =>
        CommitAsync(workspace, streamKey, sessionId, valid.Select(e => e.IdempotencyKey),
            (lastSeq, stored) => AppendDecision.Decide(lastSeq, valid, invalid, stored),
            lastSeq => valid.Count > 0 && valid.Min(e => e.Seq) > lastSeq, null, ct);

    /// <summary>
    /// Appends events whose seqs the server assigns (OTLP spans): after the session's last seq, in the order given,
    /// decided afresh on every retry. Like a batch above the last seq, the first attempt skips the key lookup: a
    /// retried export's events collide on the unique event-id index, the commit fails as a lost race, and the next
    /// attempt looks the keys up and reports them as duplicates. Retries are rare; the lookup would cost every export.
    /// </summary>
    public Task<Result> AppendAtNextAsync(string workspace, string streamKey, string sessionId,
        IReadOnlyList<IncomingEvent> unsequenced, CancellationToken ct) =>
        CommitAsync(workspace, streamKey, sessionId, unsequenced.Select(e => e.IdempotencyKey),
            (lastSeq, stored) => AppendDecision.DecideAtNext(lastSeq, unsequenced, stored), _ => true, null, ct);

    /// <summary>
    /// Appends one server-made event at the session's next seq (last accepted + 1, decided afresh on every retry)
    /// and stores <paramref name="alongside"/> documents in the same transaction when it is accepted.
    /// </summary>
    public Task<Result> AppendNextAsync(string workspace, string streamKey, string sessionId, string idempotencyKey,
        Func<long, IncomingEvent> eventAt, Action<IDocumentSession, IncomingEvent> alongside, CancellationToken ct) =>
        CommitAsync(workspace, streamKey, sessionId, [idempotencyKey],
            (lastSeq, stored) => AppendDecision.Decide(lastSeq, [eventAt(lastSeq + 1)], [], stored), _ => true, alongside, ct);

    private async Task<Result> CommitAsync(string workspace, string streamKey, string sessionId, IEnumerable<string> keys,
        Func<long, IReadOnlyDictionary<string, StoredKey>, AppendOutcome> decide, Func<long, bool> allAboveLastSeq,
        Action<IDocumentSession, IncomingEvent>? alongside, CancellationToken ct)
    {
        var ids = keys.Select(k => EventIdentity.EventId(workspace, streamKey, k)).Distinct().ToArray();
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(workspace);
            var stream = await session.Events.FetchForWriting<SessionHead>(streamKey, ct);
            if (stream.Aggregate is null) return new Result(false, null);

            // Events all above the last accepted seq cannot be retries of stored ones (a stored event's seq is at most
            // the last), so the first attempt skips the key lookup. A reused key with another seq still cannot be
            // stored twice: the unique event-id index rejects the commit, and the retry looks the keys up.
            var stored = attempt == 1 && allAboveLastSeq(stream.Aggregate.LastSeq)
                ? NoStoredKeys
                : await log.FindKeysAsync(workspace, ids, ct);
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

            try
            {
                await session.SaveChangesAsync(ct);
                return Recorded(outcome);
            }
            catch (Exception ex) when (attempt < MaxAttempts && LostRace.Is(ex))
            {
                await Task.Delay(Backoff(attempt), ct);
            }
        }
    }

    private static Result Recorded(AppendOutcome outcome)
    {
        TracingMeter.RecordIngest(outcome.Accepted.Count, outcome.Duplicates, outcome.Rejected.Select(r => r.Code));
        return new Result(true, outcome);
    }

    // Jittered backoff between optimistic retries; this is contention handling, not synchronisation.
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt));
}
