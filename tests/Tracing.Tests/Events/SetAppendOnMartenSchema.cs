using Microsoft.Extensions.Logging.Abstractions;
using Tracing.Projections.Databases;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracing.Api.Events;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;
using Tracing.Projections;
using Tracing.Projections.Events;
using Tracing.Projections.Sessions;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Events;

/// <summary>
/// The set-based append writes into Marten's tables with our own SQL (ADR 0027). On a schema that Marten itself
/// creates (as a migration does), its rows must be what Marten reads back and appends after: the events, the stream
/// version, the inline SessionHead.
/// </summary>
public sealed class SetAppendOnMartenSchema : IAsyncLifetime
{
    private const string Schema = "tracing_setappend";
    private const string Workspace = "ws-set";
    private const string StreamKey = "proj/s1";
    private NpgsqlDataSource _dataSource = null!;
    private DocumentStore _store = null!;
    private EventAppender _appender = null!;

    public async Task InitializeAsync()
    {
        await Database.DropSchemaAsync(AppFixture.ConnectionString, Schema);
        _dataSource = new NpgsqlDataSourceBuilder(AppFixture.ConnectionString).Build();
        _store = DocumentStore.For(opts => opts.ConfigureTracing(_dataSource, Schema));
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await EventIndexes.EnsureAsync(_dataSource, Schema);
        var settings = new TracingStoreSettings(AppFixture.ConnectionString, RunDaemon: false, Schema);
        var scopes = new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
        _appender = new EventAppender(_store, new EventLog(new WorkspaceDatabases(_dataSource, settings), settings),
            new SetAppend(new WorkspaceDatabases(_dataSource, settings), settings, new AppendNotifier(NullLogger<AppendNotifier>.Instance, TimeSpan.Zero)),
            TimeProvider.System, scopes);

        await using var session = _store.LightweightSession(Workspace);
        session.Events.StartStream<SessionHead>(StreamKey, new SessionStarted("s1", Workspace, "proj", "agent", null, null,
            null, DateTimeOffset.UnixEpoch, "test", "hash"));
        await session.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await Database.DropSchemaAsync(AppFixture.ConnectionString, Schema);
        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task marten_reads_the_set_append_back_and_appends_after_it()
    {
        var first = await _appender.AppendAsync(Workspace, StreamKey, "s1", [Ev(0, 1), Ev(1, 2), Ev(2, 3)], [], default);
        Assert.True(first.SessionFound);
        Assert.Equal([1L, 2, 3], first.Outcome!.Accepted.Select(e => e.Seq));

        // Marten's own append after ours (seq 4, an id of Marten's): the stream version we advanced is the one it expects.
        await using (var session = _store.LightweightSession(Workspace))
        {
            var stream = await session.Events.FetchForWriting<SessionHead>(StreamKey);
            Assert.Equal(3, stream.Aggregate!.LastSeq);
            var e = Ev(0, 4);
            stream.AppendOne(new TraceEventRecorded("s1", 4, e.IdempotencyKey, e.Type, null, null, null, e.Payload,
                DateTimeOffset.UnixEpoch, e.ContentHash));
            await session.SaveChangesAsync();
        }

        var retry = await _appender.AppendAsync(Workspace, StreamKey, "s1", [Ev(0, 3), Ev(1, 5)], [], default);
        Assert.Equal([5L], retry.Outcome!.Accepted.Select(e => e.Seq));
        Assert.Equal(1, retry.Outcome.Duplicates);

        await using var query = _store.QuerySession(Workspace);
        var events = await query.Events.FetchStreamAsync(StreamKey);
        Assert.Equal([1L, 2, 3, 4, 5, 6], events.Select(e => e.Version));
        Assert.Equal([1L, 2, 3, 4, 5], events.Skip(1).Select(e => ((TraceEventRecorded)e.Data).Seq));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence), "global sequence follows the version");
        Assert.All(events.Skip(1).Where(e => ((TraceEventRecorded)e.Data).Seq != 4), e => Assert.Equal(EventIdentity.EventId(Workspace, StreamKey, ((TraceEventRecorded)e.Data).IdempotencyKey), e.Id));
        Assert.Equal(5, ((TraceEventRecorded)events[^1].Data).Payload.GetProperty("n").GetInt32());
        Assert.Equal(6, (await query.Events.FetchStreamStateAsync(StreamKey))!.Version);
        Assert.Equal(5, (await query.LoadAsync<SessionHead>(StreamKey))!.LastSeq);
    }

    [Fact]
    public async Task server_assigned_seqs_follow_the_last_one_and_a_retried_export_is_a_duplicate()
    {
        await _appender.AppendAsync(Workspace, StreamKey, "s1", [Ev(0, 7)], [], default);
        IncomingEvent[] spans = [Ev(0, 0, "otlp:a"), Ev(1, 0, "otlp:b")];

        var stored = await _appender.AppendAtNextAsync(Workspace, StreamKey, "s1", spans, default);
        var again = await _appender.AppendAtNextAsync(Workspace, StreamKey, "s1", spans, default);

        Assert.Equal([8L, 9], stored.Outcome!.Accepted.Select(e => e.Seq));
        Assert.Empty(again.Outcome!.Accepted);
        Assert.Equal(2, again.Outcome.Duplicates);
        await using var query = _store.QuerySession(Workspace);
        var events = await query.Events.FetchStreamAsync(StreamKey);
        Assert.Equal([7L, 8, 9], events.Skip(1).Select(e => ((TraceEventRecorded)e.Data).Seq));
        Assert.Equal(9, (await query.LoadAsync<SessionHead>(StreamKey))!.LastSeq);
    }

    [Fact]
    public async Task an_unknown_session_is_not_found_and_nothing_is_written()
    {
        var result = await _appender.AppendAsync(Workspace, "proj/none", "none", [Ev(0, 1)], [], default);
        Assert.False(result.SessionFound);
        var rows = await Database.QueryAsync($"select count(*) from {Schema}.mt_events where stream_id = 'proj/none'", r => r.GetInt64(0));
        Assert.Equal(0, rows[0]);
    }

    [Fact]
    public async Task an_append_that_missed_the_stream_lock_writes_nothing_when_another_writer_commits_first()
    {
        // Writer A holds the stream's lock and has appended, not yet committed.
        await using var a = await _dataSource.OpenConnectionAsync();
        await using var tx = await a.BeginTransactionAsync();
        await using (var lockStream = new NpgsqlCommand($"select version from {Schema}.mt_streams where tenant_id = $1 and id = $2 for update", a, tx))
        {
            lockStream.Parameters.Add(new NpgsqlParameter { Value = Workspace });
            lockStream.Parameters.Add(new NpgsqlParameter { Value = StreamKey });
            await lockStream.ExecuteScalarAsync();
        }
        Assert.Equal([('A', true)], await RunAppendStatementAsync(a, tx, Ev(0, 0, "otlp:a")));

        // Writer B's lock statement ran before the stream was there (it saw no row), so only its append statement runs. Its
        // snapshot has the stream at A's old version; it must wait for A, then write nothing and say so.
        await using var b = await _dataSource.OpenConnectionAsync();
        var writerB = RunAppendStatementAsync(b, null, Ev(0, 0, "otlp:b"));
        await Eventually.UntilAsync(async () => (await Database.QueryAsync(
                "select coalesce(wait_event_type, '') from pg_stat_activity where pid = $1", r => r.GetString(0), b.ProcessID)).Single(),
            wait => wait == "Lock", TimeSpan.FromSeconds(30), wait => $"writer B is not waiting for writer A's lock ('{wait}')");
        await tx.CommitAsync();
        Assert.Equal([('A', false)], await writerB);

        await using (var query = _store.QuerySession(Workspace))
        {
            var events = await query.Events.FetchStreamAsync(StreamKey);
            Assert.Equal(["otlp:a"], events.Skip(1).Select(e => ((TraceEventRecorded)e.Data).IdempotencyKey));
            Assert.Equal(2, (await query.Events.FetchStreamStateAsync(StreamKey))!.Version);
            Assert.Equal(1, (await query.LoadAsync<SessionHead>(StreamKey))!.LastSeq);
        }
        // The appender runs an unsettled append again, under the lock: B's span follows A's.
        var again = await _appender.AppendAtNextAsync(Workspace, StreamKey, "s1", [Ev(0, 0, "otlp:b")], default);
        Assert.Equal([2L], again.Outcome!.Accepted.Select(e => e.Seq));
    }

    [Fact]
    public void an_append_that_keeps_missing_the_lock_is_a_lost_race_which_the_caller_answers_503()
    {
        Assert.True(LostRace.Is(new StreamLockMissedException(StreamKey, SetAppend.MaxRuns)));
        Assert.True(LostRace.Is(new InvalidOperationException("wrapped", new StreamLockMissedException(StreamKey, SetAppend.MaxRuns))));
    }

    /// <summary>The set append's second statement alone, store-assigned seq: each verdict and whether it holds.</summary>
    private async Task<List<(char Verdict, bool Settled)>> RunAppendStatementAsync(NpgsqlConnection c, NpgsqlTransaction? tx, IncomingEvent e)
    {
        var data = new TraceEventRecorded("s1", e.Seq, e.IdempotencyKey, e.Type, null, null, null, e.Payload, DateTimeOffset.UnixEpoch, e.ContentHash);
        var row = new SetAppend.Row(0, EventIdentity.EventId(Workspace, StreamKey, e.IdempotencyKey), e.Seq, e.ContentHash,
            _store.Options.Serializer().ToJson(data));
        await using var cmd = new NpgsqlCommand(SetAppend.AppendSql(Schema), c, tx);
        cmd.Parameters.AddRange(SetAppend.AppendParameters(Workspace, StreamKey, [row], atNext: true, typeof(TraceEventRecorded).FullName!));
        var verdicts = new List<(char, bool)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) verdicts.Add((r.GetString(1)[0], r.GetBoolean(5)));
        return verdicts;
    }

    private static IncomingEvent Ev(int index, long seq, string? key = null)
    {
        var payload = JsonDocument.Parse($"{{\"n\":{seq}}}").RootElement;
        key ??= EventIdentity.DefaultIdempotencyKey("s1", seq);
        return new IncomingEvent(index, seq, key, "agent.step", null, null, null, payload,
            EventIdentity.ContentHash(key.StartsWith("otlp") ? 0 : seq, "agent.step", payload));
    }
}
