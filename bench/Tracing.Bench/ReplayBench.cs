using System.Diagnostics;

namespace Tracing.Bench;

/// <summary>Reads whole sessions through GET /api/traces/{id}/events, page by page, against a raw ordered SELECT.</summary>
public sealed class ReplayBench(ApiClient api, RawBaseline raw, Failures failures, TimeProvider clock)
{
    public sealed record Result(int Size, int Pages, long Bytes, List<double> ApiMs, List<double> RawMs, TimeSpan SeedTime)
    {
        public double ApiMedian => Latencies.Median(ApiMs);
        public double RawMedian => Latencies.Median(RawMs);
        public double Ratio => ApiMedian / RawMedian;
    }

    /// <summary>Creates a session of <paramref name="size"/> events through the API (sequential batches) and the same rows in the raw table.</summary>
    public async Task<(string SessionId, string RawId, TimeSpan SeedTime)> SeedAsync(int size, int seedBatch, CancellationToken ct)
    {
        var id = await api.CreateSessionAsync($"replay-{size}", ct) ?? throw new BenchAbort("could not create the replay session");
        var started = Stopwatch.GetTimestamp();
        for (long seq = 1; seq <= size; seq += seedBatch)
        {
            var n = (int)Math.Min(seedBatch, size - seq + 1);
            if (!await api.AppendAsync(id, Workload.Batch(seq, n, clock.GetUtcNow()), n, ct))
                throw new BenchAbort($"seeding replay session {id} failed");
        }
        var seedTime = Stopwatch.GetElapsedTime(started);
        var rawId = $"replay-{size}-{Guid.NewGuid():N}";
        await raw.SeedAsync(rawId, size, ct);
        return (id, rawId, seedTime);
    }

    public async Task<Result> MeasureAsync(int size, string sessionId, string rawId, TimeSpan seedTime, int runs, int pageLimit, CancellationToken ct)
    {
        var apiMs = new List<double>();
        var rawMs = new List<double>();
        int pages = 0;
        long bytes = 0;
        for (var run = 0; run <= runs; run++) // run 0 warms caches and JIT, not recorded
        {
            var t = Stopwatch.GetTimestamp();
            var read = await ReadAllAsync(sessionId, size, pageLimit, ct);
            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (read is null) break;
            (pages, bytes) = read.Value;

            var r = await raw.ReadAsync(rawId, ct);
            if (r.Rows != size || !r.Ordered) failures.Add($"raw replay of {rawId}: {r.Rows} rows (expected {size}), ordered={r.Ordered}");
            if (run == 0) continue;
            apiMs.Add(ms);
            rawMs.Add(r.Elapsed.TotalMilliseconds);
        }
        return new Result(size, pages, bytes, apiMs, rawMs, seedTime);
    }

    /// <summary>Follows next_after_seq while has_more; checks the events are exactly seq 1..size in order.</summary>
    private async Task<(int Pages, long Bytes)?> ReadAllAsync(string sessionId, int size, int pageLimit, CancellationToken ct)
    {
        long after = 0, seen = 0, bytes = 0;
        var pages = 0;
        while (true)
        {
            var page = await api.ReadPageAsync(sessionId, after, pageLimit, ct);
            if (page is null) return null;
            var p = page.Value;
            pages++;
            bytes += p.Bytes;
            if (p.Count > 0 && (!p.Ordered || p.FirstSeq != after + 1 || p.LastSeq != p.NextAfter))
            {
                failures.Add($"replay {sessionId}: page after {after} not contiguous (first {p.FirstSeq}, last {p.LastSeq}, next {p.NextAfter}, ordered {p.Ordered})");
                return null;
            }
            seen += p.Count;
            if (!p.HasMore) break;
            if (p.Count == 0 || p.NextAfter <= after) { failures.Add($"replay {sessionId}: has_more without progress after {after}"); return null; }
            after = p.NextAfter;
            if (pages > size + 10) { failures.Add($"replay {sessionId}: too many pages"); return null; }
        }
        if (seen != size) { failures.Add($"replay {sessionId}: read {seen} events, expected {size}"); return null; }
        return (pages, bytes);
    }
}
