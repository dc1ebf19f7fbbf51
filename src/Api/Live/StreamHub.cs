using System.Threading.Channels;
using Tracing.Projections.Events;

namespace Tracing.Api.Live;

public sealed class StreamOptions
{
    public int BufferSize { get; set; } = 1024;
    public int HeartbeatSeconds { get; set; } = 15;
    public int PollMilliseconds { get; set; } = 20;
    public int RetryMilliseconds { get; set; } = 2000;

    /// <summary>
    /// End each connection after this long (0 = never), so clients rebalance across nodes and credentials are
    /// re-presented; they resume by Last-Event-ID. A connection also ends when its credential expires.
    /// </summary>
    public int MaxConnectionSeconds { get; set; } = 1800;

    /// <summary>Backfill pages end at this many characters of event JSON (as well as at their row count).</summary>
    public long BackfillPageBytes { get; set; } = 1024 * 1024;

    /// <summary>Backfill pages held in memory at once on this node; further backfills wait for a slot (cancellable).</summary>
    public int MaxConcurrentBackfills { get; set; } = 8;

    /// <summary>How often expired stream tickets and resume credentials are deleted.</summary>
    public int PurgeMinutes { get; set; } = 10;

    /// <summary>How often an open connection rechecks its credential (revoked key, expired token): at most 10 s with the key cache.</summary>
    public int CredentialCheckSeconds { get; set; } = 5;
}

/// <summary>A live connection's bounded buffer. A consumer that falls behind is cut off, never allowed to grow memory.</summary>
public sealed class StreamSubscription(StreamFilter filter, int capacity)
{
    private readonly Channel<StreamMessage> _channel = Channel.CreateBounded<StreamMessage>(
        new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    public StreamFilter Filter => filter;
    public ChannelReader<StreamMessage> Reader => _channel.Reader;
    public bool Overflowed { get; private set; }

    internal void Offer(StreamMessage m)
    {
        if (Overflowed || _channel.Writer.TryWrite(m)) return;
        Overflowed = true;
        _channel.Writer.TryComplete();
    }
}

/// <summary>
/// One per node: follows the event store up to Marten's high-water mark (so positions arrive in order with no
/// still-committing gap) and fans messages out to this node's connections. Events appended through any node
/// reach every node, because the source is PostgreSQL itself (ADR 0005).
/// </summary>
public sealed class StreamHub(EventFeed feed, StreamOptions options, ILogger<StreamHub> log) : BackgroundService
{
    private const int PageSize = 1000;
    private readonly Lock _gate = new();
    private readonly List<StreamSubscription> _subscriptions = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _position;

    /// <summary>Registers a connection; it will receive every matching message above the returned position.</summary>
    public async Task<(StreamSubscription Subscription, long From)> SubscribeAsync(StreamFilter filter, CancellationToken ct)
    {
        await _started.Task.WaitAsync(ct);
        var sub = new StreamSubscription(filter, options.BufferSize);
        lock (_gate)
        {
            _subscriptions.Add(sub);
            return (sub, _position);
        }
    }

    public void Unsubscribe(StreamSubscription sub)
    {
        lock (_gate) _subscriptions.Remove(sub);
    }

    public int Connections { get { lock (_gate) return _subscriptions.Count; } }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!_started.Task.IsCompleted)
                {
                    _position = await feed.HighWaterAsync(ct);
                    _started.TrySetResult();
                }
                await PumpAsync(ct);
                await Task.Delay(options.PollMilliseconds, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Live stream pump failed; retrying");
                await Task.Delay(1000, ct).ContinueWith(_ => { });
            }
        }
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        var highWater = await feed.HighWaterAsync(ct);
        while (highWater > _position)
        {
            var rows = await feed.ReadAllAsync(_position, highWater, PageSize, ct);
            var messages = rows.SelectMany(StreamMessages.From).ToList();
            lock (_gate)
            {
                foreach (var m in messages)
                foreach (var sub in _subscriptions)
                    if (sub.Filter.Matches(m)) sub.Offer(m);
                _position = rows.Count < PageSize ? highWater : rows[^1].Position;
            }
        }
    }
}
