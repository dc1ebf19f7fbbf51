using System.Diagnostics;
using System.Threading.Channels;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using Marten;
using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// Replays one single-stream projection's green copy from the event log up to the high-water mark (ADR 0039). Ranges
/// of positions are read and parsed ahead (<see cref="ReplaySizes.PagesInFlight"/>, each on a thread of its own), and
/// applied one after another in log order through the generated evolver. A page's changed documents are written, with
/// the green shard's position, while the next page is applied. Documents stay in memory between pages up to
/// <see cref="ReplaySizes.CachedDocuments"/>; past that, those the last page did not touch are dropped, and read back
/// from the green table when their stream returns.
/// </summary>
public sealed class LogReplay<TDoc> : ILogReplay where TDoc : class
{
    private sealed class Entry(TDoc doc, long version)
    {
        public TDoc Doc = doc;
        public long Version = version;
    }

    private readonly ISerializer _serializer;
    private readonly NpgsqlDataSource _source;
    private readonly string _eventSchema;
    private readonly IGeneratedSyncEvolver<TDoc, string> _evolver;
    private readonly ReplaySizes _sizes;
    private readonly string[] _aliases;
    private readonly ReplayTimings _timings = new();
    private readonly LogEvents _parser;
    private readonly GreenDocuments<TDoc> _documents;
    private readonly Dictionary<(string Tenant, string Id), Entry> _cache = new();
    private readonly HashSet<(string Tenant, string Id)> _dropped = new();

    public LogReplay(DocumentStore green, ISerializer serializer, NpgsqlDataSource source, string eventSchema, string projection,
        string shard, IGeneratedSyncEvolver<TDoc, string> evolver, ReplaySizes sizes)
    {
        (_serializer, _source, _eventSchema, _evolver, _sizes, Projection) = (serializer, source, eventSchema, evolver, sizes, projection);
        _parser = new LogEvents(serializer, evolver.EventTypes);
        _documents = new GreenDocuments<TDoc>(green, source, eventSchema, shard, _parser, _timings);
        _aliases = evolver.EventTypes.Select(t => ((Marten.Events.EventGraph)green.Options.Events).EventMappingFor(t).EventTypeName).ToArray();
    }

    public string Projection { get; }

    public async Task<ReplayReport> RunAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var ceiling = await HighWaterAsync(ct);
        await _documents.ResetAsync(ct);
        // The channel holds the pages in flight in the order they were started; a page starts only when it has a slot.
        var pages = Channel.CreateBounded<Task<IEvent[]>>(Math.Max(1, _sizes.PagesInFlight));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var starting = StartPagesAsync(_aliases, ceiling, pages.Writer, stop.Token);
        try { await ApplyAsync(pages.Reader, stop.Token); }
        finally
        {
            // On any way out, nothing is left running: the producer stops, and every page it started has ended.
            await stop.CancelAsync();
            try { await starting; } catch (Exception) { /* its fault, if any, reached the applier through the channel */ }
            while (pages.Reader.TryRead(out var pending)) try { await pending; } catch (Exception) { /* cancelled with the replay */ }
        }
        // Every event of these types up to the ceiling is applied; the shard continues from the ceiling.
        await _documents.WriteAsync(GreenDocuments<TDoc>.Changes.None(ceiling), ct);
        return _timings.Report(ceiling, started);
    }

    private async Task StartPagesAsync(string[] aliases, long ceiling, ChannelWriter<Task<IEvent[]>> output, CancellationToken ct)
    {
        try
        {
            for (var after = 0L; after < ceiling; after += _sizes.PageSize)
            {
                var (from, upTo) = (after, Math.Min(ceiling, after + _sizes.PageSize));
                if (!await output.WaitToWriteAsync(ct)) return;
                // A blocking read (LogRows.Read) on a thread of its own, not one of the pool's.
                var page = Task.Factory.StartNew(() =>
                {
                    var rows = LogRows.Read(_source, _eventSchema, aliases, from, upTo, _timings, ct);
                    var since = Stopwatch.GetTimestamp();
                    var events = _parser.Parse(rows);
                    _timings.Parsed(since);
                    return events;
                }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                if (!output.TryWrite(page)) await output.WriteAsync(page, ct);
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
            throw;
        }
    }

    private async Task ApplyAsync(ChannelReader<Task<IEvent[]>> input, CancellationToken ct)
    {
        var writing = Task.CompletedTask;
        try
        {
            await foreach (var page in input.ReadAllAsync(ct))
            {
                var events = await page;
                if (events.Length == 0) continue;
                // Only documents dropped from memory are read back; their last write ended before they were dropped.
                if (_dropped.Count > 0) await ReadBackAsync(events, ct);
                var since = Stopwatch.GetTimestamp();
                var touched = Apply(events);
                var changes = Serialise(touched, events[^1].Sequence);
                _timings.Applied(since);
                await writing; // one write in flight: positions are stored in order
                writing = _documents.WriteAsync(changes, ct);
                if (_cache.Count > _sizes.CachedDocuments)
                    foreach (var key in _cache.Keys.Where(k => !touched.ContainsKey(k)).ToList())
                    {
                        _cache.Remove(key);
                        _dropped.Add(key);
                    }
            }
        }
        finally
        {
            try { await writing; }
            catch (Exception) when (ct.IsCancellationRequested) { /* the replay is ending anyway */ }
        }
    }

    /// <summary>Applies a page in log order; returns the documents it changed.</summary>
    private Dictionary<(string, string), Entry> Apply(IEvent[] events)
    {
        var touched = new Dictionary<(string, string), Entry>();
        (string Tenant, string Stream) key = default;
        Entry? entry = null;
        foreach (var e in events)
        {
            // Consecutive events of one stream (the usual case) look their document up once.
            if (entry is null || !string.Equals(key.Stream, e.StreamKey, StringComparison.Ordinal) || !string.Equals(key.Tenant, e.TenantId, StringComparison.Ordinal))
            {
                key = (e.TenantId, e.StreamKey!);
                _cache.TryGetValue(key, out entry);
            }
            var doc = _evolver.Evolve(entry?.Doc, key.Stream, e);
            if (doc is null)
            {
                if (entry is not null) throw new InvalidOperationException($"{Projection} deleted {key}: a replay from the log does not delete.");
                continue;
            }
            if (!ReferenceEquals(doc, entry?.Doc)) _documents.SetId(doc, key.Stream);
            if (entry is null) _cache[key] = entry = new Entry(doc, e.Version);
            entry.Doc = doc;
            entry.Version = e.Version;
            touched[key] = entry;
        }
        return touched;
    }

    /// <summary>The changed documents serialised now, so applying the next page cannot change what is written.</summary>
    private GreenDocuments<TDoc>.Changes Serialise(Dictionary<(string Tenant, string Id), Entry> touched, long position) =>
        new(touched.Keys.Select(k => k.Tenant).ToArray(), touched.Keys.Select(k => k.Id).ToArray(),
            touched.Values.Select(e => _serializer.ToJson(e.Doc)).ToArray(), touched.Values.Select(e => e.Version).ToArray(), position);

    private async Task ReadBackAsync(IEvent[] events, CancellationToken ct)
    {
        var wanted = events.Select(e => (e.TenantId, e.StreamKey!)).Where(_dropped.Contains).ToHashSet();
        if (wanted.Count == 0) return;
        foreach (var (tenant, id, doc, version) in await _documents.LoadAsync(wanted, ct)) _cache[(tenant, id)] = new Entry(doc, version);
        _dropped.ExceptWith(wanted);
    }

    private async Task<long> HighWaterAsync(CancellationToken ct)
    {
        await using var cmd = _source.CreateCommand($"select last_seq_id from {_eventSchema}.mt_event_progression where name = 'HighWaterMark'");
        return await cmd.ExecuteScalarAsync(ct) is long mark ? mark : 0;
    }
}
