namespace Tracing.Projections.Rebuilds;

/// <summary>
/// Tells this node's rebuild runner that a request was just stored here, so a leader starts on it at once instead of at
/// its next poll (<c>Tracing:Projections:PollMilliseconds</c>). Requests stored elsewhere (another node, the CLI's own
/// process) are still found by the poll.
/// </summary>
public sealed class RebuildWakeup
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { } // already raised and not yet taken: one wake-up covers both
    }

    public Task WaitAsync(CancellationToken ct) => _signal.WaitAsync(ct);
}
