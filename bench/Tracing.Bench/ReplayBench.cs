using System.Diagnostics;

namespace Tracing.Bench;

/// <summary>Reads whole sessions through GET /api/traces/{id}/events, page by page, against a raw ordered SELECT.</summary>
public sealed class ReplayBench(ApiClient api, RawBaseline raw, Failures failures, TimeProvider clock)
{
    public sealed record Result(int Size, int Pages, long Bytes, List<double> ApiMs, List<double> RawMs, TimeSpan SeedTime)
    {
        /// <summary>Untimed client-side parse and check of all pages, per run.</summary>
        public List<double> VerifyMs { get; init; } = [];

        public double ApiMedian => Latencies.Median(ApiMs);
        public double RawMedian => Latencies.Median(RawMs);
        public double Ratio => ApiMedian / RawMedian;
    }

    /// <summary>Creates a session of <paramref name="size"/> events through the API (sequential batches) and the same rows in the raw table.</summary>
    public async Task<(string SessionId, string RawId, TimeSpan SeedTime)> SeedAsync(int size, int seedBatch, CancellationToken ct,
        IProgress<(int Done, int Total)>? progress = null)
    {
        var id = await api.CreateSessionAsync($"replay-{size}", ct) ?? throw new BenchAbort("could not create the replay session");
        var started = Stopwatch.GetTimestamp();
        for (long seq = 1; seq <= size; seq += seedBatch)
        {
            var n = (int)Math.Min(seedBatch, size - seq + 1);
            if (!await api.AppendAsync(id, Workload.Batch(seq, n, clock.GetUtcNow()), n, ct, waitOutBackpressure: true))
                throw new BenchAbort($"seeding replay session {id} failed");
            progress?.Report(((int)(seq + n - 1), size));
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
        var verifyMs = new List<double>();
        int pages = 0;
        long bytes = 0;
        for (var run = 0; run <= runs; run++) // run 0 warms caches and JIT, not recorded
        {
            var t = Stopwatch.GetTimestamp();
            var read = await ReadAllAsync(sessionId, size, pageLimit, ct);
            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (read is null) break;
            var v = Stopwatch.GetTimestamp();
            if (!Verify(sessionId, size, read)) break;
            var verify = Stopwatch.GetElapsedTime(v).TotalMilliseconds;
            (pages, bytes) = (read.Count, read.Sum(p => (long)p.Length));

            var r = await raw.ReadAsync(rawId, ct);
            if (r.Rows != size || !r.Ordered) failures.Add($"raw replay of {rawId}: {r.Rows} rows (expected {size}), ordered={r.Ordered}");
            if (run == 0) continue;
            apiMs.Add(ms);
            verifyMs.Add(verify);
            rawMs.Add(r.Elapsed.TotalMilliseconds);
        }
        return new Result(size, pages, bytes, apiMs, rawMs, seedTime) { VerifyMs = verifyMs };
    }

    /// <summary>Timed part: fetches every page, following next_after_seq while has_more (read from each page's tail).</summary>
    private async Task<List<byte[]>?> ReadAllAsync(string sessionId, int size, int pageLimit, CancellationToken ct)
    {
        var pages = new List<byte[]>();
        long after = 0;
        while (true)
        {
            var page = await api.GetPageAsync(sessionId, after, pageLimit, ct);
            if (page is null) return null;
            pages.Add(page);
            if (ApiClient.Trailer(page) is not { } cursor) { failures.Add($"replay {sessionId}: page after {after} has no next_after_seq/has_more"); return null; }
            if (!cursor.HasMore) return pages;
            if (cursor.NextAfter <= after) { failures.Add($"replay {sessionId}: has_more without progress after {after}"); return null; }
            after = cursor.NextAfter;
            if (pages.Count > size + 10) { failures.Add($"replay {sessionId}: too many pages"); return null; }
        }
    }

    /// <summary>Untimed: parses every page and checks the events are exactly seq 1..size, in order, with consistent cursors.</summary>
    private bool Verify(string sessionId, int size, List<byte[]> pages)
    {
        long after = 0, seen = 0;
        for (var i = 0; i < pages.Count; i++)
        {
            var (count, first, last, ordered, next, hasMore, _) = ApiClient.ScanPage(pages[i]);
            var contiguous = count == 0 ? next == after : ordered && first == after + 1 && last == next;
            if (!contiguous || hasMore != (i < pages.Count - 1))
            {
                failures.Add($"replay {sessionId}: page {i} after {after} inconsistent (count {count}, first {first}, last {last}, next {next}, ordered {ordered}, has_more {hasMore})");
                return false;
            }
            seen += count;
            after = next;
        }
        if (seen != size) { failures.Add($"replay {sessionId}: read {seen} events, expected {size}"); return false; }
        return true;
    }
}
