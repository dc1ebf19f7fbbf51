using System.Diagnostics;
using System.Text.Json;
using Tracing.Api.Events;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;

namespace Tracing.Bench;

/// <summary>
/// Diagnostic: the same closed-loop ingest, but calling the API's <see cref="EventAppender"/> in-process instead of
/// going through HTTP. Parsing + validation is timed separately, so the ingest figure splits into
/// HTTP/host, validation and store (Marten + PostgreSQL) costs.
/// </summary>
public sealed class DirectIngest(EventAppender appender, ApiClient api, Failures failures, TimeProvider clock)
{
    public sealed record Result(int Batch, int Sessions, long Events, TimeSpan Elapsed, Latencies AppendLatency, double ValidateMsPerBatch)
    {
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    }

    public async Task<Result> RunAsync(int batch, int sessions, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, sessions).Select(i => api.CreateSessionAsync($"direct-{i}", ct)));
        if (ids.Any(id => id is null)) throw new BenchAbort("could not create sessions for the direct ingest");

        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var lat = ids.Select(_ => new Latencies()).ToArray();
        var events = new long[sessions];
        var validateTicks = new long[sessions];
        var batches = new long[sessions];
        var lastDone = new long[sessions];

        await Task.WhenAll(ids.Select((id, w) => Task.Run(async () =>
        {
            var key = SessionIds.StreamKey(ApiHost.Project, id!);
            long seq = 1;
            while (!ct.IsCancellationRequested)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (t0 >= end) break;
                using var doc = JsonDocument.Parse(Workload.Batch(seq, batch, clock.GetUtcNow()));
                var valid = new List<IncomingEvent>(batch);
                var i = 0;
                foreach (var e in doc.RootElement.GetProperty("events").EnumerateArray())
                {
                    var (ok, rejection) = EventValidator.Validate(i++, e, id!);
                    if (ok is null) throw new BenchAbort($"direct ingest: invalid event: {rejection}");
                    valid.Add(ok);
                }
                var t1 = Stopwatch.GetTimestamp();
                var result = await appender.AppendAsync(ApiHost.Workspace, key, id!, valid, [], ct);
                var t2 = Stopwatch.GetTimestamp();
                if (!result.SessionFound || result.Outcome!.Accepted.Count != batch)
                {
                    failures.Add($"direct ingest: {id} accepted {result.Outcome?.Accepted.Count} of {batch}");
                    return;
                }
                seq += batch;
                if (t0 < measureFrom) continue;
                lat[w].Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                validateTicks[w] += t1 - t0;
                events[w] += batch;
                batches[w]++;
                lastDone[w] = t2;
            }
        }, ct)));

        var all = new Latencies();
        foreach (var l in lat) all.AddRange(l);
        var n = Math.Max(1, batches.Sum());
        return new Result(batch, sessions, events.Sum(), Stopwatch.GetElapsedTime(measureFrom, Math.Max(lastDone.Max(), measureFrom + 1)),
            all, TimeSpan.FromTicks(validateTicks.Sum() * TimeSpan.TicksPerSecond / Stopwatch.Frequency).TotalMilliseconds / n);
    }
}
