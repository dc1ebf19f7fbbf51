using Marten;

namespace Tracing.Projections.Daemon;

/// <summary>
/// How the async daemon's high-water agent waits (ADR 0028). <c>Tracing:Daemon:*</c> overrides the defaults, which are
/// chosen for read-model lag rather than Marten's (1 s slow poll, 3 s before a stuck gap is examined):
/// <list type="bullet">
/// <item><see cref="SlowPollMilliseconds"/>: the agent's wait after a poll that found nothing new or a gap still open.
/// The append's NOTIFY normally ends that wait early, but the wake-up drains the signals that arrived while the agent
/// was querying, so a gap filled during a poll was only seen one slow poll later (up to 1 s).</item>
/// <item><see cref="StaleGapMilliseconds"/>: how long a gap must stay open before Marten examines it. Marten 9 skips a
/// gap only on evidence that no transaction that could still fill it is alive (UseTransactionEvidenceForGapSkipping),
/// so a shorter wait never skips a slow transaction's events; it only shortens the stall behind a rolled-back append.</item>
/// <item><see cref="WakeIntervalMilliseconds"/>: the least time between two wake-ups the appends send the daemon (ADRs 0040, 0043).</item>
/// </list>
/// </summary>
public sealed record DaemonTiming(int SlowPollMilliseconds = 250, int StaleGapMilliseconds = 1000, int WakeIntervalMilliseconds = 100)
{
    public void ApplyTo(StoreOptions opts)
    {
        opts.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(Math.Max(20, SlowPollMilliseconds));
        opts.Projections.StaleSequenceThreshold = TimeSpan.FromMilliseconds(Math.Max(100, StaleGapMilliseconds));
        // The guarantee that makes the shorter threshold safe; Marten's default, stated so a change of default cannot
        // silently turn the threshold into a time-based skip of events that are still committing.
        opts.Projections.UseTransactionEvidenceForGapSkipping = true;
        opts.Projections.SkipStaleGapsDespiteLiveTransactionsAfter = null;
    }
}
