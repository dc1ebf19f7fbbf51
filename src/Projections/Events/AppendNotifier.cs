using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tracing.Projections.Events;

/// <summary>
/// Wakes the async daemon after appends have committed, from outside their transactions (ADR 0038). A NOTIFY inside an
/// append's transaction takes PostgreSQL's one notification-queue lock at commit and holds it through the commit's WAL
/// flush, so every notifying commit of the database waits for the one before it: group commit is lost, and one slow
/// flush stalls every writer. Here each database has one line: a poke while a notification is in flight or waiting asks
/// for one more after it, so concurrent appends share notifications. The NOTIFY runs in a transaction that writes
/// nothing, so it flushes nothing while it holds the lock. A lost wake-up (an error, a crash after the commit) costs at
/// most the daemon's poll interval, never an event. Two notifications on a line start at least
/// <paramref name="minimumInterval"/> apart: a poke on a line that has been quiet that long goes at once, any other waits
/// for the interval to pass. Each notification starts a daemon cycle (a dozen statements and a load, apply and commit per
/// shard), so under a steady stream of appends a cycle takes the events of many appends instead of a few (ADRs 0040, 0043).
/// </summary>
public sealed class AppendNotifier(ILogger<AppendNotifier> log, TimeSpan minimumInterval)
{
    public AppendNotifier(ILogger<AppendNotifier> log, TracingStoreSettings settings)
        : this(log, TimeSpan.FromMilliseconds(Math.Max(0, settings.Daemon.WakeIntervalMilliseconds))) { }

    private const int Idle = 0, Sending = 1, SendAgain = 2;
    private readonly ConcurrentDictionary<NpgsqlDataSource, Line> _lines = new();
    private long _sent;

    private sealed class Line
    {
        public int State;
        public long LastStarted; // the Stopwatch timestamp at which the last send started; 0 before the first
    }

    /// <summary>The least time between two notifications on one line (<c>Tracing:Daemon:WakeIntervalMilliseconds</c>).</summary>
    public TimeSpan MinimumInterval => minimumInterval;

    /// <summary>Notifications sent so far (tests read it).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Whether nothing is being sent or waited for on <paramref name="database"/>'s line (tests read it).</summary>
    public bool IsIdle(NpgsqlDataSource database) => !_lines.TryGetValue(database, out var line) || Volatile.Read(ref line.State) == Idle;

    /// <summary>Call after a commit that appended events to <paramref name="database"/>; returns at once.</summary>
    public void Poke(NpgsqlDataSource database)
    {
        var line = _lines.GetOrAdd(database, _ => new Line());
        while (true)
        {
            var state = Volatile.Read(ref line.State);
            if (state == SendAgain) return;
            if (Interlocked.CompareExchange(ref line.State, state + 1, state) != state) continue;
            if (state == Idle) _ = SendAsync(database, line);
            return;
        }
    }

    private async Task SendAsync(NpgsqlDataSource database, Line line)
    {
        await Task.Yield(); // the caller's request goes on; the notification follows on the thread pool
        while (true)
        {
            // Pokes during this wait are covered by the send after it (the line stays "sending" until it is over).
            var last = Volatile.Read(ref line.LastStarted);
            var wait = last == 0 ? TimeSpan.Zero : minimumInterval - Stopwatch.GetElapsedTime(last);
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            Volatile.Write(ref line.State, Sending);
            Volatile.Write(ref line.LastStarted, Stopwatch.GetTimestamp());
            try
            {
                await using var cmd = database.CreateCommand($"select pg_notify('{SetAppend.AppendedChannel}', '')");
                await cmd.ExecuteNonQueryAsync();
                Interlocked.Increment(ref _sent);
            }
            catch (Exception ex) // best effort, and whatever happens the line must return to idle, or it would never send again
            {
                log.LogDebug(ex, "Waking the projection daemon failed; it finds the events at its next poll");
            }
            if (Interlocked.CompareExchange(ref line.State, Idle, Sending) == Sending) return;
        }
    }
}
