using System.Diagnostics;

namespace Tracing.Bench;

/// <summary>Events/s and request latency through POST /api/traces/{id}/events, and read-model lag under load.</summary>
public sealed class IngestBench(ApiClient api, Failures failures, TimeProvider clock)
{
    public sealed record Result(int Batch, int Sessions, long Events, long Requests, TimeSpan Elapsed, Latencies Latency,
        double TargetRate, Latencies? ScheduledLatency)
    {
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    }

    /// <summary>Concurrent lag probe sessions, and the upper bound of the random pause before each probe.</summary>
    public const int LagProbes = 3;
    public static readonly TimeSpan LagProbeSpacing = TimeSpan.FromSeconds(1);

    /// <summary>How often GET /api/traces/{id} is polled while waiting for the read model (the resolution of the lag figures).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public sealed record LagResult(Latencies Probes, int ProbeTimeouts, double CatchUpMs, bool CatchUpTimedOut);

    /// <summary>A writer session and how many events it has had accepted.</summary>
    private sealed class Writer(string id)
    {
        public string Id { get; } = id;
        public long Appended;
        public long LastAppendDone;
    }

    private async Task<Writer[]> CreateWritersAsync(string label, int count, CancellationToken ct)
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(i => api.CreateSessionAsync($"{label}-{i}", ct)));
        if (ids.Any(id => id is null)) throw new BenchAbort($"could not create sessions for {label}");
        return ids.Select(id => new Writer(id!)).ToArray();
    }

    /// <summary>
    /// Closed loop: each of <paramref name="sessions"/> writers posts its next batch as soon as the previous one is answered.
    /// An <paramref name="unmeasured"/> loop (the JIT warm-up) waits out backpressure instead of failing on it.
    /// </summary>
    public async Task<Result> ClosedLoopAsync(int batch, int sessions, TimeSpan warmup, TimeSpan duration, CancellationToken ct,
        bool unmeasured = false)
    {
        var writers = await CreateWritersAsync($"ingest-b{batch}", sessions, ct);
        var phase = await DriveAsync(writers, batch, warmup, duration, ratePerWriter: null, ct, unmeasured);
        return phase;
    }

    /// <summary>
    /// Open loop at a fixed total rate (events/s) spread over the writers, plus a probe session measuring how long the
    /// async read model takes to show what was just appended; finally the catch-up time after the last append.
    /// </summary>
    public async Task<(Result Load, LagResult Lag)> RateLimitedWithLagAsync(int batch, int sessions, double eventsPerSecond,
        TimeSpan duration, TimeSpan lagDeadline, int probeBatch, bool measureLag, CancellationToken ct)
    {
        var writers = await CreateWritersAsync($"half-b{batch}", sessions, ct);
        var probeWriters = measureLag ? await CreateWritersAsync("lag-probe", LagProbes, ct) : [];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var probes = new Latencies();
        var probeTimeouts = 0;
        var probeTasks = probeWriters.Select(probe => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Random spacing so the probes sample every phase of the daemon's polling cycle instead of locking
                // onto it (appending right after the last change was seen would always measure a full poll period).
                try { await Task.Delay(Random.Shared.Next(0, (int)LagProbeSpacing.TotalMilliseconds), stop.Token); }
                catch (OperationCanceledException) { return; }
                var body = Workload.Batch(probe.Appended + 1, probeBatch, clock.GetUtcNow());
                if (!await api.AppendAsync(probe.Id, body, probeBatch, ct)) return;
                probe.Appended += probeBatch;
                var appended = Stopwatch.GetTimestamp();
                var seenAt = await WaitForCountAsync(probe.Id, probe.Appended, lagDeadline, ct);
                if (seenAt is null)
                {
                    Interlocked.Increment(ref probeTimeouts);
                    failures.Add($"lag probe: read model did not reach {probe.Appended} events within {lagDeadline.TotalSeconds}s");
                    return;
                }
                lock (probes) probes.Add(Stopwatch.GetElapsedTime(appended, seenAt.Value).TotalMilliseconds);
            }
        }, ct)).ToArray();

        var rate = eventsPerSecond / sessions;
        var load = await DriveAsync(writers, batch, TimeSpan.Zero, duration, rate, ct);
        await stop.CancelAsync();
        await Task.WhenAll(probeTasks);

        if (!measureLag) return (load, new LagResult(probes, 0, double.NaN, false));

        // Catch-up: from the last append of the load to every writer's event_count equal to what it appended.
        var lastAppend = writers.Max(w => w.LastAppendDone);
        var seen = await Task.WhenAll(writers.Select(w => WaitForCountAsync(w.Id, w.Appended, lagDeadline, ct)));
        var timedOut = seen.Any(s => s is null);
        if (timedOut) failures.Add($"catch-up: a session's read model did not reach its appended count within {lagDeadline.TotalSeconds}s");
        var catchUp = timedOut ? double.NaN : Stopwatch.GetElapsedTime(lastAppend, seen.Max(s => s!.Value)).TotalMilliseconds;
        return (load, new LagResult(probes, probeTimeouts, catchUp, timedOut));
    }

    /// <summary>Waits (poll with deadline) until GET /api/traces/{id} shows <paramref name="expected"/> events; the timestamp it was seen, or null.</summary>
    public async Task<long?> WaitForCountAsync(string sessionId, long expected, TimeSpan deadline, CancellationToken ct)
    {
        var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var count = await api.EventCountAsync(sessionId, ct);
            var now = Stopwatch.GetTimestamp();
            if (count is null) return null;
            if (count == expected) return now;
            if (count > expected) { failures.Add($"session {sessionId}: event_count {count} exceeds the {expected} appended"); return null; }
            if (now > until) return null;
            await Task.Delay(PollInterval, ct); // poll interval, not synchronisation: the loop ends on the observed count or the deadline
        }
    }

    private async Task<Result> DriveAsync(Writer[] writers, int batch, TimeSpan warmup, TimeSpan duration, double? ratePerWriter, CancellationToken ct,
        bool unmeasured = false)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + Ticks(warmup);
        var end = measureFrom + Ticks(duration);
        var perWriter = writers.Select(_ => (Lat: new Latencies(), Sched: new Latencies(), Events: 0L, Requests: 0L)).ToArray();
        var lastDone = new long[writers.Length];

        var tasks = writers.Select((w, i) => Task.Run(async () =>
        {
            var interval = ratePerWriter is { } r ? Ticks(TimeSpan.FromSeconds(batch / r)) : 0;
            // Stagger the open-loop writers so they do not fire in lockstep.
            var next = start + (interval == 0 ? 0 : interval * i / writers.Length);
            while (!ct.IsCancellationRequested)
            {
                if (interval > 0)
                {
                    if (next >= end) break;
                    var wait = next - Stopwatch.GetTimestamp();
                    if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct); // pacing
                }
                var t0 = Stopwatch.GetTimestamp();
                if (t0 >= end) break;
                var body = Workload.Batch(w.Appended + 1, batch, clock.GetUtcNow());
                if (!await api.AppendAsync(w.Id, body, batch, ct, waitOutBackpressure: unmeasured)) throw new BenchAbort($"append failed on {w.Id}");
                var t1 = Stopwatch.GetTimestamp();
                w.Appended += batch;
                w.LastAppendDone = t1;
                if (t0 >= measureFrom)
                {
                    ref var s = ref perWriter[i];
                    s.Lat.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    if (interval > 0) s.Sched.Add(Stopwatch.GetElapsedTime(Math.Min(next, t0), t1).TotalMilliseconds);
                    s.Events += batch;
                    s.Requests++;
                    lastDone[i] = t1;
                }
                next += interval;
            }
        }, ct)).ToArray();
        await Task.WhenAll(tasks);

        var finished = Math.Max(lastDone.Max(), measureFrom + 1);
        var lat = new Latencies();
        var sched = new Latencies();
        foreach (var s in perWriter) { lat.AddRange(s.Lat); sched.AddRange(s.Sched); }
        return new Result(batch, writers.Length, perWriter.Sum(s => s.Events), perWriter.Sum(s => s.Requests),
            Stopwatch.GetElapsedTime(measureFrom, finished), lat, (ratePerWriter ?? 0) * writers.Length,
            ratePerWriter is null ? null : sched);
    }

    private static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);
}

public sealed class BenchAbort(string message) : Exception(message);
