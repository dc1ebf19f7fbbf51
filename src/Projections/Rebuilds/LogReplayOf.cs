using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using Marten;
using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// Replays one single-stream projection's green copy from the event log (ADR 0039), in three overlapping steps: one
/// connection reads the next page while the page before is parsed on every core, while the page before that is applied
/// (in log order, through the generated evolver) and its changed documents are written with the green shard's position
/// in one transaction. Documents stay in memory between pages up to <see cref="ReplaySizes.CachedDocuments"/>; past
/// that, those the last page did not touch are dropped and read back from the green table when their stream returns.
/// </summary>
public sealed class LogReplay<TDoc>(DocumentStore green, ISerializer serializer, NpgsqlDataSource source, string eventSchema, string projection, string shard,
    IGeneratedSyncEvolver<TDoc, string> evolver, ReplaySizes sizes) : ILogReplay where TDoc : class
{
    private sealed class Entry(TDoc doc, long version)
    {
        public TDoc Doc = doc;
        public long Version = version;
    }

    public string Projection => projection;

    private readonly Type[] _types = evolver.EventTypes;
    private readonly Func<object, IEvent>[] _wrap = evolver.EventTypes.Select(Wrapper).ToArray();
    private readonly Action<TDoc, string> _setId = IdSetter(green);
    private readonly string _table = $"{green.Options.DatabaseSchemaName}.{ReadModelTable.Of(green.Options, typeof(TDoc))}";
    private readonly Dictionary<(string Tenant, string Id), Entry> _cache = new();
    private readonly ReplayTimings _timings = new();
    private readonly JsonSerializerOptions? _json = OptionsOf(serializer);
    private bool _evicted;

    public async Task<ReplayReport> RunAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var ceiling = await HighWaterAsync(ct);
        await ResetAsync(ct);
        var aliases = _types.Select(t => ((Marten.Events.EventGraph)green.Options.Events).EventMappingFor(t).EventTypeName).ToArray();
        // Ranges of positions are read and parsed several at a time, each on a connection and a thread of its own, and
        // applied one after another in log order: the channel holds the pages in flight in the order they were started.
        var pages = Channel.CreateBounded<Task<IEvent[]>>(Math.Max(1, sizes.PagesInFlight - 1));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var starting = StartPagesAsync(aliases, ceiling, pages.Writer, stop.Token);
        try { await ApplyAsync(pages.Reader, stop.Token); }
        finally
        {
            await stop.CancelAsync();
            // Pages still in flight end (cancelled) before the replay returns; their faults are the applier's to report.
            try { await starting; } catch (OperationCanceledException) { }
            while (pages.Reader.TryRead(out var pending)) try { await pending; } catch (Exception) { }
        }
        // Every event of these types up to the ceiling is applied; the shard continues from the ceiling.
        await WriteAsync(new Changed([], [], [], [], ceiling), ct);
        return _timings.Report(ceiling, started);
    }

    private async Task StartPagesAsync(string[] aliases, long ceiling, ChannelWriter<Task<IEvent[]>> output, CancellationToken ct)
    {
        try
        {
            for (var after = 0L; after < ceiling; after += sizes.PageSize)
            {
                var (from, upTo) = (after, Math.Min(ceiling, after + sizes.PageSize));
                await output.WriteAsync(Task.Run(() => Parse(LogRows.Read(source, eventSchema, aliases, from, upTo, _timings, ct)), ct), ct);
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once a rebuild: optimised from its first call, not after tiering
    private IEvent[] Parse((LogRow[] Rows, int Count) page)
    {
        var since = Stopwatch.GetTimestamp();
        var (rows, count) = page;
        var events = new IEvent[count];
        for (var i = 0; i < count; i++)
        {
            var row = rows[i];
            var e = _wrap[row.Type](Deserialize(_types[row.Type], row.Data));
            e.Sequence = row.Seq;
            e.Id = row.Id;
            e.StreamKey = row.Stream;
            e.TenantId = row.Tenant;
            e.Version = row.Version;
            e.Timestamp = row.Timestamp;
            events[i] = e;
        }
        Array.Clear(rows, 0, count); // no byte arrays kept alive by the pool
        System.Buffers.ArrayPool<LogRow>.Shared.Return(rows);
        _timings.Parsed(since);
        return events;
    }

    /// <summary>
    /// Applies the pages in log order. A page's changed documents are serialised at once and written while the next page
    /// is applied (one write in flight, so positions are stored in order); documents dropped from memory are read back
    /// only after the write that stored them.
    /// </summary>
    private async Task ApplyAsync(ChannelReader<Task<IEvent[]>> input, CancellationToken ct)
    {
        var writing = Task.CompletedTask;
        await foreach (var page in input.ReadAllAsync(ct))
        {
            var events = await page;
            if (events.Length == 0) continue;
            if (_evicted)
            {
                await writing;
                await LoadAsync(events, ct);
            }
            var since = Stopwatch.GetTimestamp();
            var touched = new Dictionary<(string, string), Entry>();
            (string Tenant, string Stream) key = default;
            Entry? entry = null;
            for (var i = 0; i < events.Length; i++)
            {
                // Consecutive events of one stream (the usual case) look their document up once.
                var e = events[i];
                if (entry is null || !string.Equals(key.Stream, e.StreamKey, StringComparison.Ordinal) || !string.Equals(key.Tenant, e.TenantId, StringComparison.Ordinal))
                {
                    key = (e.TenantId, e.StreamKey!);
                    _cache.TryGetValue(key, out entry);
                }
                var doc = evolver.Evolve(entry?.Doc, key.Stream, e);
                if (doc is null)
                {
                    if (entry is not null) throw new InvalidOperationException($"{projection} deleted {key}: a replay from the log does not delete.");
                    continue;
                }
                if (!ReferenceEquals(doc, entry?.Doc)) _setId(doc, key.Stream);
                if (entry is null) _cache[key] = entry = new Entry(doc, e.Version);
                entry.Doc = doc;
                entry.Version = e.Version;
                touched[key] = entry;
            }
            var write = Changes(touched, events[^1].Sequence);
            _timings.Applied(since);
            await writing;
            writing = WriteAsync(write, ct);
            if (_cache.Count > sizes.CachedDocuments)
            {
                foreach (var k in _cache.Keys.Where(k => !touched.ContainsKey(k)).ToList()) _cache.Remove(k);
                _evicted = true;
            }
        }
        await writing;
    }

    /// <summary>The documents of a page's streams that were dropped from memory, read back from the green table.</summary>
    private async Task LoadAsync(IEvent[] events, CancellationToken ct)
    {
        var missing = events.Select(e => (Tenant: e.TenantId, Stream: e.StreamKey!)).Distinct().Where(k => !_cache.ContainsKey(k)).ToArray();
        if (missing.Length == 0) return;
        await using var cmd = source.CreateCommand(
            $"select d.tenant_id, d.id, d.data, d.mt_version from {_table} d join unnest($1::text[], $2::text[]) k(t, i) on d.tenant_id = k.t and d.id = k.i");
        cmd.Parameters.Add(new NpgsqlParameter { Value = missing.Select(k => k.Tenant).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = missing.Select(k => k.Stream).ToArray() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            _cache[(r.GetString(0), r.GetString(1))] = new Entry((TDoc)Deserialize(typeof(TDoc), r.GetFieldValue<byte[]>(2)), r.GetInt64(3));
        }
    }

    /// <summary>A page's changed documents as Marten stores a projected document (body, type, stream version as revision), and the position after it.</summary>
    private sealed record Changed(string[] Tenants, string[] Ids, string[] Json, long[] Versions, long Position);

    /// <summary>The documents serialised now, so applying the next page cannot change what is written.</summary>
    private Changed Changes(Dictionary<(string Tenant, string Id), Entry> touched, long position) =>
        new(touched.Keys.Select(k => k.Tenant).ToArray(), touched.Keys.Select(k => k.Id).ToArray(),
            touched.Values.Select(e => serializer.ToJson(e.Doc)).ToArray(), touched.Values.Select(e => e.Version).ToArray(), position);

    /// <summary>The changed documents and the green shard's new position, in one transaction.</summary>
    private async Task WriteAsync(Changed changed, CancellationToken ct)
    {
        var since = Stopwatch.GetTimestamp();
        await using var batch = source.CreateBatch();
        if (changed.Ids.Length > 0)
        {
            var upsert = new NpgsqlBatchCommand(
                $"insert into {_table} (tenant_id, id, data, mt_dotnet_type, mt_version, mt_last_modified) " +
                "select t, i, d::jsonb, $4, v, transaction_timestamp() from unnest($1::text[], $2::text[], $3::text[], $5::bigint[]) u(t, i, d, v) " +
                "on conflict (tenant_id, id) do update set data = excluded.data, mt_dotnet_type = excluded.mt_dotnet_type, " +
                "mt_version = excluded.mt_version, mt_last_modified = excluded.mt_last_modified");
            upsert.Parameters.Add(new NpgsqlParameter { Value = changed.Tenants });
            upsert.Parameters.Add(new NpgsqlParameter { Value = changed.Ids });
            upsert.Parameters.Add(new NpgsqlParameter { Value = changed.Json });
            upsert.Parameters.Add(new NpgsqlParameter { Value = typeof(TDoc).FullName! });
            upsert.Parameters.Add(new NpgsqlParameter { Value = changed.Versions });
            batch.BatchCommands.Add(upsert);
        }
        var progress = new NpgsqlBatchCommand(
            $"insert into {eventSchema}.mt_event_progression (name, last_seq_id, last_updated) values ($1, $2, transaction_timestamp()) " +
            "on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated");
        progress.Parameters.Add(new NpgsqlParameter { Value = shard });
        progress.Parameters.Add(new NpgsqlParameter { Value = changed.Position });
        batch.BatchCommands.Add(progress);
        await batch.ExecuteNonQueryAsync(ct); // one implicit transaction for the whole batch
        _timings.Written(since);
    }

    /// <summary>Marten's System.Text.Json options over the bytes as they are (its own <c>FromJson</c> takes a stream or a string).</summary>
    private object Deserialize(Type type, byte[] json)
    {
        if (_json is null)
        {
            using var body = new MemoryStream(json, writable: false);
            return serializer.FromJson(type, body);
        }
        return JsonSerializer.Deserialize(json, type, _json)!;
    }

    /// <summary>Marten's options object itself: its <c>Configure</c> hands it over (and this changes nothing in it).</summary>
    private static JsonSerializerOptions? OptionsOf(ISerializer serializer)
    {
        JsonSerializerOptions? options = null;
        (serializer as Marten.Services.SystemTextJsonSerializer)?.Configure(o => options = o);
        return options;
    }

    private async Task<long> HighWaterAsync(CancellationToken ct)
    {
        await using var cmd = source.CreateCommand($"select last_seq_id from {eventSchema}.mt_event_progression where name = 'HighWaterMark'");
        return await cmd.ExecuteScalarAsync(ct) is long mark ? mark : 0;
    }

    /// <summary>What Marten's rebuild tears down first: the green copy's documents and its shard's position.</summary>
    private async Task ResetAsync(CancellationToken ct)
    {
        await using var batch = source.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"truncate {_table}"));
        var progress = new NpgsqlBatchCommand($"delete from {eventSchema}.mt_event_progression where name = $1");
        progress.Parameters.Add(new NpgsqlParameter { Value = shard });
        batch.BatchCommands.Add(progress);
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static Func<object, IEvent> Wrapper(Type eventType) =>
        typeof(LogReplay<TDoc>).GetMethod(nameof(Wrap), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(eventType).CreateDelegate<Func<object, IEvent>>();

    private static IEvent Wrap<T>(object data) where T : notnull => new Event<T>((T)data);

    private static Action<TDoc, string> IdSetter(DocumentStore store)
    {
        var member = ((Marten.IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(TDoc)).IdMember;
        return member switch
        {
            PropertyInfo { SetMethod: { } set } => set.CreateDelegate<Action<TDoc, string>>(),
            FieldInfo f => (doc, id) => f.SetValue(doc, id),
            _ => throw new InvalidOperationException($"{typeof(TDoc).Name} has no identity member Marten can name."),
        };
    }
}
