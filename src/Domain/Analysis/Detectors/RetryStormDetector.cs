using Tracing.Domain.Events;
using static Tracing.Domain.Analysis.Summaries;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// A burst of "try again" errors (rate limits, 429, overload, explicit retries) from any source: at least
/// <c>RetryStormThreshold</c> of them within <c>RetryStormWindow</c> consecutive seqs. Overlapping qualifying
/// windows merge into one storm. Windows are in seqs, not time: client clocks are not trusted. A carried request
/// counts as the event it stands for (<see cref="AnalysisInput.Position"/>), so the window is the same whether
/// a session's calls were written as pairs or as responses carrying their requests.
/// </summary>
public sealed class RetryStormDetector : IDetector
{
    public const string RateLimited = "rate_limited";
    public const string RetryBurst = "retry_burst";

    public string Name => "retry_storm";

    public IEnumerable<Finding> Detect(AnalysisInput input)
    {
        var signals = new List<(long Seq, long Position, ErrorInfo Error)>();
        for (var at = 0; at < input.Events.Count; at++)
            if (ErrorInfo.Of(input.Events[at]) is { } err && ErrorClass.IsRetrySignal(err)) signals.Add((input.Events[at].Seq, input.Position(at), err));

        var (window, threshold) = (input.Settings.RetryStormWindow, input.Settings.RetryStormThreshold);
        var i = 0;
        while (i < signals.Count)
        {
            var last = LastInWindow(signals, i, window);
            if (last - i + 1 < threshold) { i++; continue; }
            // Keep extending while a window starting inside the storm still qualifies.
            for (var k = i + 1; k <= last && k < signals.Count; k++)
            {
                var reach = LastInWindow(signals, k, window);
                if (reach - k + 1 >= threshold && reach > last) last = reach;
            }
            var storm = signals.GetRange(i, last - i + 1);
            var rateLimits = storm.Count(s => ErrorClass.IsRateLimit(s.Error));
            var rateLimited = rateLimits > 0;
            var label = rateLimited ? RateLimited : RetryBurst;
            var types = storm.Select(s => s.Error.TypeKey).Where(t => t.Length > 0).Distinct().Order(StringComparer.Ordinal);
            yield return new Finding(Name, label, Math.Min(0.99m, 0.5m + 0.1m * storm.Count), storm[0].Seq, storm.Select(s => s.Seq).ToArray(),
                Fingerprint.Of(Name, label, string.Join(",", types)),
                // Counts signals, and names how many are rate limits: an explicit "retry" is a signal, not a rate-limit error.
                Inv($"{storm.Count} retry signals between seq {storm[0].Seq} and {storm[^1].Seq}{(rateLimited ? $", {rateLimits} of them rate limits" : "")} ({Describe(storm[0].Error)})."));
            i = last + 1;
        }
    }

    /// <summary>Index of the last signal whose position is within <paramref name="window"/> consecutive seqs of signal <paramref name="from"/>.</summary>
    private static int LastInWindow(List<(long Seq, long Position, ErrorInfo Error)> signals, int from, int window)
    {
        var last = from;
        while (last + 1 < signals.Count && signals[last + 1].Position - signals[from].Position < window) last++;
        return last;
    }
}
