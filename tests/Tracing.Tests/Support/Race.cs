namespace Tracing.Tests.Support;

/// <summary>
/// Starts every contender on its own thread-pool task, held at one gate and released together, so a race test
/// really overlaps its requests instead of hoping the scheduler does.
/// </summary>
public static class Race
{
    public static async Task<T[]> AllAtOnceAsync<T>(int contenders, Func<int, Task<T>> contender)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, contenders).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await contender(i);
        })).ToList();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }
}
