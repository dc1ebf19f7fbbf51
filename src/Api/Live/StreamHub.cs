using System.Threading.Channels;
using Tracing.Projections.Databases;
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
/// reach every node, because the source is PostgreSQL itself (ADR 0005). With several databases (ADR 0031) it follows
/// each on its own (positions are per database); a connection subscribes to its workspace's database.
/// </summary>
public sealed class StreamHub(EventFeed feed, WorkspaceDatabases databases, StreamOptions options, ILogger<StreamHub> log) : BackgroundService
{
    private const int PageSize = 1000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Follower> _followers = databases.Names.ToDictionary(n => n, n => new Follower(n), StringComparer.Ordinal);

    /// <summary>One database's position and the connections of workspaces that live in it.</summary>
    private sealed class Follower(string database)
    {
        public string Database => database;
        public readonly List<StreamSubscription> Subscriptions = [];
        public readonly TaskCompletionSource Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long Position;
    }

    /// <summary>Registers a connection; it will receive every matching message above the returned position.</summary>
    public async Task<(StreamSubscription Subscription, long From)> SubscribeAsync(StreamFilter filter, CancellationToken ct)
    {
        var follower = _followers[await databases.NameForAsync(filter.Tenant, ct)];
        await follower.Started.Task.WaitAsync(ct);
        var sub = new StreamSubscription(filter, options.BufferSize);
        lock (_gate)
        {
            follower.Subscriptions.Add(sub);
            return (sub, follower.Position);
        }
    }

    public void Unsubscribe(StreamSubscription sub)
    {
        lock (_gate)
            foreach (var f in _followers.Values) f.Subscriptions.Remove(sub);
    }

    public int Connections { get { lock (_gate) return _followers.Values.Sum(f => f.Subscriptions.Count); } }

    /// <summary>How far the hub has followed each database (tests wait on it).</summary>
    internal long PositionOf(string database) { lock (_gate) return _followers[database].Position; }

    protected override Task ExecuteAsync(CancellationToken ct) => Task.WhenAll(_followers.Values.Select(f => FollowAsync(f, ct)));

    private async Task FollowAsync(Follower follower, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!follower.Started.Task.IsCompleted)
                {
                    follower.Position = await feed.HighWaterAsync(follower.Database, ct);
                    follower.Started.TrySetResult();
                }
                await PumpAsync(follower, ct);
                await Task.Delay(options.PollMilliseconds, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Live stream pump of database {Database} failed; retrying", follower.Database);
                await Task.Delay(1000, ct).ContinueWith(_ => { });
            }
        }
    }

    private async Task PumpAsync(Follower follower, CancellationToken ct)
    {
        var highWater = await feed.HighWaterAsync(follower.Database, ct);
        lock (_gate)
        {
            // Nobody listens on this database: move past the new events without reading them. A connection that subscribes
            // afterwards gets this position as its start and backfills up to it from the store, as every connection does.
            if (follower.Subscriptions.Count == 0 && highWater > follower.Position)
            {
                follower.Position = highWater;
                return;
            }
        }
        while (highWater > follower.Position)
        {
            var rows = await feed.ReadAllAsync(follower.Database, follower.Position, highWater, PageSize, ct);
            var messages = rows.SelectMany(StreamMessages.From).ToList();
            lock (_gate)
            {
                foreach (var m in messages)
                foreach (var sub in follower.Subscriptions)
                    if (sub.Filter.Matches(m)) sub.Offer(m);
                follower.Position = rows.Count < PageSize ? highWater : rows[^1].Position;
            }
        }
    }
}
