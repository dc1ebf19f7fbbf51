using Marten;
using Tracing.Domain.Incidents;
using Tracing.Workers.Incidents;

namespace Tracing.Api.Incidents;

/// <summary>
/// Waits, up to a bound, for the <see cref="FixProposed"/> answering one dispatch: woken by <see cref="FixProposalSignal"/>
/// when the runner commits on this node, and rechecking the incident stream every <see cref="RecheckEvery"/> for a runner
/// on another node.
/// </summary>
public sealed class FixProposalWaiter(IDocumentStore store, FixProposalSignal signal)
{
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromMilliseconds(500);

    public async Task<FixProposed?> WaitAsync(string workspace, string streamKey, string dispatchId, TimeSpan within, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(within);
        while (true)
        {
            var next = signal.Next;
            if (await FindAsync(workspace, streamKey, dispatchId, ct) is { } found) return found;
            try
            {
                await next.WaitAsync(RecheckEvery, deadline.Token);
            }
            catch (TimeoutException) { }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return await FindAsync(workspace, streamKey, dispatchId, ct); // the bound passed: one last look
            }
        }
    }

    private async Task<FixProposed?> FindAsync(string workspace, string streamKey, string dispatchId, CancellationToken ct)
    {
        await using var session = store.QuerySession(workspace);
        var events = await session.Events.FetchStreamAsync(streamKey, token: ct);
        return events.Select(e => e.Data).OfType<FixProposed>().LastOrDefault(p => p.DispatchId == dispatchId);
    }
}
