namespace Tracing.Workers.Incidents;

/// <summary>
/// Wakes fix-agent requests waiting on this node when a proposal commits here. A broadcast: every waiter rechecks the
/// store for its own dispatch (a proposal made on another node is found by the waiter's periodic recheck).
/// </summary>
public sealed class FixProposalSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next proposal; take it before reading the store so no proposal slips between.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
