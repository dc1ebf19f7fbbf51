using Spectre.Console;

namespace Tracing.Api.Cli;

/// <summary>
/// Spectre.Console progress for long operations, drawn on stderr when it is a terminal (stdout keeps only the result, so
/// scripts can parse it); without a terminal the operation runs without a bar and its summary says what happened.
/// </summary>
public static class CliProgress
{
    public static bool Interactive => !Console.IsErrorRedirected;

    public static IAnsiConsole Terminal() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="work"/> with one progress bar fed by its (done, total) reports.</summary>
    public static async Task<T> RunAsync<T>(string label, Func<IProgress<(int Done, int Total)>?, Task<T>> work)
    {
        if (!Interactive) return await work(null);
        return await Terminal().Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label, maxValue: 1);
                var result = await work(new Inline<(int Done, int Total)>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = $"{label} {p.Done:N0}/{p.Total:N0}";
                }));
                task.StopTask();
                return result;
            });
    }

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> posts, and could draw after the bar is gone).</summary>
    public sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
