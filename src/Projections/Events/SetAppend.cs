using Npgsql;
using NpgsqlTypes;
using Tracing.Domain.Events;

namespace Tracing.Projections.Events;

/// <summary>
/// The set-based append of trace events into Marten's own tables (ADR 0027): one round trip, one implicit transaction.
/// Statement 1 locks the stream row (as Marten's quick append does), so every writer of the session queues there and
/// none needs an optimistic retry. Statement 2 runs on a snapshot taken after the lock: it reads the head's last seq
/// and the keys already stored, judges every candidate, inserts the accepted ones as one set, advances the stream
/// version and the inline <c>SessionHead</c>'s last seq. After the commit it wakes the daemon (<see cref="AppendNotifier"/>).
/// A stream whose creation commits between the two statements is seen by statement 2 but was not locked by statement 1.
/// So statement 2 advances the version only from the version it read, before it touches the head. A writer that
/// committed in between makes it write nothing and report "not settled", and the append runs again, this time under
/// the lock (ADR 0046).
/// </summary>
public sealed class SetAppend(Tracing.Projections.Databases.WorkspaceDatabases databases, TracingStoreSettings settings,
    AppendNotifier notifier)
{

    /// <summary>Marten's channel for <c>UseListenNotifyForEventAppends</c>.</summary>
    public const string AppendedChannel = "mt_events_appended";

    private readonly string _lockSql = $"select version from {settings.Schema}.mt_streams where tenant_id = $1 and id = $2 for update";
    private readonly string _appendSql = AppendSql(settings.Schema);

    /// <summary>One candidate: its event id, seq (ignored when the store assigns it), content hash and stored JSON.</summary>
    public readonly record struct Row(int Ordinal, Guid Id, long Seq, string ContentHash, string Json);

    /// <summary>Runs of the append that may find the stream created after their lock statement; the next run holds the lock.</summary>
    public const int MaxRuns = 3;

    /// <summary>The verdicts, or null when the session's stream does not exist.</summary>
    public async Task<List<StoreVerdict>?> AppendAsync(string tenant, string streamKey, IReadOnlyList<Row> rows, bool atNext,
        string dotnetType, CancellationToken ct)
    {
        for (var run = 1; ; run++)
        {
            var (verdicts, settled) = await AppendOnceAsync(tenant, streamKey, rows, atNext, dotnetType, ct);
            if (settled) return verdicts.Count == 0 ? null : verdicts;
            if (run == MaxRuns) throw new StreamLockMissedException(streamKey, MaxRuns);
        }
    }

    /// <summary>One run: the verdicts (none when the head is not there), and whether they hold (false: nothing was written).</summary>
    private async Task<(List<StoreVerdict> Verdicts, bool Settled)> AppendOnceAsync(string tenant, string streamKey,
        IReadOnlyList<Row> rows, bool atNext, string dotnetType, CancellationToken ct)
    {
        var database = databases.For(tenant);
        await using var connection = await database.OpenConnectionAsync(ct); // the workspace's database (ADR 0031)
        await using var batch = new NpgsqlBatch(connection);
        var lockStream = new NpgsqlBatchCommand(_lockSql);
        lockStream.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        lockStream.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamKey });
        batch.BatchCommands.Add(lockStream);

        var append = new NpgsqlBatchCommand(_appendSql);
        append.Parameters.AddRange(AppendParameters(tenant, streamKey, rows, atNext, dotnetType));
        batch.BatchCommands.Add(append);

        // Prepared once per pooled physical connection (Npgsql skips the round trip when it already is): the statement is
        // long, and parsing and planning it again on every single-event request is database CPU that batch 1 cannot spare.
        await batch.PrepareAsync(ct);
        // No BeginTransaction: the batch's commands share one Sync, so PostgreSQL runs them as one implicit transaction
        // that commits when the last one succeeds (and rolls back whole if any fails), still within this round trip.
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) { } // the lock's row, if the stream was there when it ran
        await reader.NextResultAsync(ct);
        var verdicts = new List<StoreVerdict>(rows.Count);
        var settled = true;
        while (await reader.ReadAsync(ct))
        {
            verdicts.Add(new StoreVerdict(reader.GetInt32(0), reader.GetString(1)[0], reader.GetInt64(2), reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
            settled &= reader.GetBoolean(5);
        }
        // Read to the end of the batch: the implicit transaction commits at its Sync, and a failed commit surfaces here,
        // so no caller can answer 2xx for rows that were rolled back.
        while (await reader.NextResultAsync(ct)) { }
        if (settled && verdicts.Exists(v => v.Verdict == 'A')) notifier.Poke(database); // committed: wake the daemon (ADR 0038)
        return (verdicts, settled);
    }

    /// <summary>The parameters of <see cref="AppendSql"/>, in its order.</summary>
    public static NpgsqlParameter[] AppendParameters(string tenant, string streamKey, IReadOnlyList<Row> rows, bool atNext,
        string dotnetType) =>
    [
        new NpgsqlParameter<string> { TypedValue = tenant },
        new NpgsqlParameter<string> { TypedValue = streamKey },
        new NpgsqlParameter<int[]> { TypedValue = rows.Select(r => r.Ordinal).ToArray() },
        new NpgsqlParameter<Guid[]> { TypedValue = rows.Select(r => r.Id).ToArray() },
        new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Seq).ToArray() },
        new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.ContentHash).ToArray() },
        new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Json).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
        new NpgsqlParameter<bool> { TypedValue = atNext },
        new NpgsqlParameter<string> { TypedValue = dotnetType },
    ];

    /// <summary>
    /// $1 tenant, $2 stream key, $3 candidate ordinals (the order of judgement), $4 event ids, $5 seqs, $6 content hashes, $7 event JSON, $8 the store assigns
    /// seqs, $9 Marten's .NET type name. A candidate is a duplicate (D) when its key is stored with the same content, a key
    /// conflict (K) when stored with other content, not monotonic (M) when its seq is not above the last one or another
    /// candidate took the same seq first; otherwise accepted (A). The rule of <see cref="AppendDecision"/> for distinct keys.
    /// The last column says whether the verdicts hold: false when candidates were accepted but the stream's version had
    /// moved since this statement's snapshot, so nothing was written (the head is written only after the version).
    /// </summary>
    public static string AppendSql(string schema) => $$"""
        with head as (
          select (data ->> 'last_seq')::bigint as last_seq from {{schema}}.mt_doc_sessionhead where tenant_id = $1 and id = $2
        ), stream as (
          select version from {{schema}}.mt_streams where tenant_id = $1 and id = $2
        ), stored as materialized (
          select id, tenant_id, (data ->> 'seq')::bigint as seq, data ->> 'content_hash' as hash from {{schema}}.mt_events where id = any($4)
        ), batch as (
          select b.idx, b.id, b.seq, b.hash, b.body, h.last_seq, s.hash as stored_hash,
                 case when s.id is not null then case when s.hash = b.hash and ($8 or s.seq = b.seq) then 'D' else 'K' end
                      when not $8 and b.seq <= h.last_seq then 'M' end as early
          from unnest($3::int[], $4::uuid[], $5::bigint[], $6::text[], $7::jsonb[]) as b(idx, id, seq, hash, body)
          cross join head h
          left join stored s on s.id = b.id and s.tenant_id = $1
        ), judged as (
          select batch.*,
                 case when early is not null then early
                      when $8 or row_number() over (partition by early is null, case when $8 then 0 else seq end order by idx) = 1 then 'A'
                      else 'M' end as verdict,
                 case when $8 then last_seq + row_number() over (partition by early is null order by idx) else seq end as final_seq
          from batch
        ), accepted as (
          select * from judged where verdict = 'A'
        ), bump as (
          update {{schema}}.mt_streams set version = version + (select count(*) from accepted), timestamp = now()
          where tenant_id = $1 and id = $2 and version = (select version from stream) and exists (select 1 from accepted)
          returning version - (select count(*) from accepted) as base
        ), written as (
          insert into {{schema}}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived)
          select nextval('{{schema}}.mt_events_sequence'), o.id, $2, o.base + o.n, o.data, '{{StoreSetup.TraceEventAlias}}', $1, now(), $9, false
          from (select a.id, bump.base, row_number() over (order by a.final_seq) as n,
                       case when $8 then jsonb_set(a.body, '{seq}', to_jsonb(a.final_seq)) else a.body end as data
                from accepted a cross join bump order by a.final_seq) o
          returning 1
        ), moved as (
          update {{schema}}.mt_doc_sessionhead
          set data = jsonb_set(data, '{last_seq}', to_jsonb((select max(final_seq) from accepted))), mt_last_modified = now()
          where tenant_id = $1 and id = $2 and exists (select 1 from bump)
          returning 1
        )
        select j.idx, j.verdict, j.final_seq, j.last_seq, j.stored_hash,
               not exists (select 1 from accepted) or exists (select 1 from bump) as settled
        from judged j
        """;
}

/// <summary>An append that kept finding its session's stream created after its lock statement ran: a lost race (503).</summary>
public sealed class StreamLockMissedException(string streamKey, int runs)
    : Exception($"The append to {streamKey} found the stream changed by another writer in each of {runs} runs.");
