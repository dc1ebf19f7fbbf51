namespace Tracing.Api.Live;

/// <summary>
/// Caps the backfill pages a node holds at once (<see cref="StreamOptions.MaxConcurrentBackfills"/>): with pages bounded
/// by bytes, a burst of reconnecting clients costs at most cap × page bytes of memory; the rest wait their turn.
/// </summary>
public sealed class BackfillGate(int slots)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, slots), Math.Max(1, slots));

    public int Free => _slots.CurrentCount;

    public Task EnterAsync(CancellationToken ct) => _slots.WaitAsync(ct);

    public void Exit() => _slots.Release();
}
