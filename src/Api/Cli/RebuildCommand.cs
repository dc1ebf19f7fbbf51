using System.CommandLine;
using Spectre.Console;
using Tracing.Domain.Rebuilds;
using Tracing.Projections;
using Tracing.Projections.Rebuilds;
using Tracing.Workers.Projections;

using Tracing.Workers.Hosting;

namespace Tracing.Api.Cli;

/// <summary>
/// <c>projections rebuild [--projection NAME]...</c>: requests a blue/green rebuild and follows its progress (ADR 0012).
/// While nodes are serving, their projection leader executes it and this command starts no daemon of its own (a second
/// daemon writing the same progression rows is what used to kill the served shards). With no node serving, this
/// process takes projection leadership itself for the duration.
/// </summary>
public static class RebuildCommand
{
    public static Command Build(CliContext context)
    {
        var names = new Option<string[]>("--projection")
        {
            Description = "an async projection to rebuild (repeat for several; default: all registered)", HelpName = "NAME",
            DefaultValueFactory = _ => [],
        };
        var rebuild = new Command("rebuild", "Rebuild async projections blue/green while the API serves, following the progress.") { names };
        rebuild.SetAction(async (parse, _) =>
            await RunAsync(await context.ServicesAsync(), context.Configuration, parse.GetValue(names) ?? [], context.Output));
        return new Command("projections", "The async projections (read models).") { rebuild };
    }

    public static async Task<int> RunAsync(IServiceProvider services, IConfiguration config, IReadOnlyList<string> names, TextWriter output)
    {
        var settings = services.GetRequiredService<TracingStoreSettings>();
        var serving = await LeadershipProbe.IsHeldAsync(services.GetRequiredService<Npgsql.NpgsqlDataSource>(), settings.Schema, CancellationToken.None);
        var requests = services.GetRequiredService<RebuildRequests>();
        var request = await requests.RequestAsync(names.ToList(), $"cli:{Environment.UserName}", CancellationToken.None);
        if (request.Unknown.Count > 0)
        {
            output.WriteLine($"unknown async projection(s): {string.Join(", ", request.Unknown)}; registered: " +
                             string.Join(", ", services.GetRequiredService<AsyncProjectionCatalog>().All.Select(p => p.Name)));
            return CliRunner.UsageError;
        }
        var rebuild = request.Accepted ?? request.AlreadyActive!;
        output.WriteLine(request.Accepted is null
            ? $"rebuild {rebuild.Id} is already {rebuild.Status}; following it"
            : $"requested rebuild {rebuild.Id} of {string.Join(", ", rebuild.Projections.Select(p => p.Name))}");

        if (serving)
        {
            output.WriteLine("nodes are serving: their projection leader executes the rebuild (this command runs no daemon)");
            return await FollowAsync(requests, rebuild.Id, output);
        }
        output.WriteLine("no node is serving: this command takes projection leadership and runs the rebuild itself");
        using var leader = BuildLeader(config);
        await leader.StartAsync();
        try { return await FollowAsync(requests, rebuild.Id, output); }
        finally { await leader.StopAsync(); }
    }

    private static IHost BuildLeader(IConfiguration config)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddConfiguration(config);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddTracingStore(TracingSettings.Store(builder.Configuration, runDaemon: true));
        builder.Services.AddTracingProjectionOperations(builder.Configuration, runDaemon: true);
        return builder.Build();
    }

    private static async Task<int> FollowAsync(RebuildRequests requests, string id, TextWriter output)
    {
        var final = CliProgress.Interactive ? await FollowOnTerminalAsync(requests, id) : await FollowInLinesAsync(requests, id, output);
        output.WriteLine(final.Status == RebuildStatus.Completed
            ? $"rebuild {final.Id} completed on {final.Node} in {(final.FinishedAt - final.StartedAt)?.TotalSeconds:F1} s"
            : $"rebuild {final.Id} {final.Status}: {final.Error}");
        Summary(final, output);
        return final.Status == RebuildStatus.Completed ? CliRunner.Ok : CliRunner.Failed;
    }

    /// <summary>Without a terminal (a log, a pipe): one line per projection whenever its progress changes.</summary>
    private static async Task<ProjectionRebuild> FollowInLinesAsync(RebuildRequests requests, string id, TextWriter output)
    {
        var shown = new Dictionary<string, string>();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (true)
        {
            var r = await requests.GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"rebuild {id} vanished");
            foreach (var p in r.Projections)
            {
                var line = Line(p);
                if (shown.GetValueOrDefault(p.Name) == line) continue;
                shown[p.Name] = line;
                output.WriteLine(line);
            }
            if (!r.IsActive) return r;
            await tick.WaitForNextTickAsync();
        }
    }

    /// <summary>On a terminal: a Spectre.Console bar per projection (events processed of the target, rate, phase).</summary>
    private static Task<ProjectionRebuild> FollowOnTerminalAsync(RebuildRequests requests, string id) =>
        CliProgress.Terminal().Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bars = new Dictionary<string, ProgressTask>();
                using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
                while (true)
                {
                    var r = await requests.GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"rebuild {id} vanished");
                    foreach (var p in r.Projections)
                    {
                        if (!bars.TryGetValue(p.Name, out var bar)) bars[p.Name] = bar = ctx.AddTask(p.Name, maxValue: 1);
                        bar.MaxValue = Math.Max(1, p.Target);
                        bar.Value = Math.Min(p.Processed, bar.MaxValue);
                        bar.Description = $"{p.Name,-16} {p.Phase,-9} {p.EventsPerSecond:N0} ev/s";
                    }
                    if (!r.IsActive) return r;
                    await tick.WaitForNextTickAsync();
                }
            });

    /// <summary>The summary: per projection, its phase, events processed and rate.</summary>
    private static void Summary(ProjectionRebuild r, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 120;
        var table = new Table().Border(TableBorder.Simple).AddColumns("projection", "phase", "events", "target", "events/s");
        foreach (var p in r.Projections)
            table.AddRow(p.Name, p.Phase.ToString(), p.Processed.ToString("N0"), p.Target.ToString("N0"), p.EventsPerSecond.ToString("N0"));
        console.Write(table);
    }

    /// <summary>A text progress bar: phase, processed of target, rate and ETA.</summary>
    internal static string Line(ProjectionRebuildProgress p)
    {
        var fraction = p.Target <= 0 ? 0 : Math.Clamp((double)p.Processed / p.Target, 0, 1);
        var filled = (int)Math.Round(fraction * 24);
        var eta = p.EtaSeconds is { } e ? $"ETA {e:F0} s" : "ETA -";
        return $"{p.Name,-16} [{new string('#', filled)}{new string('.', 24 - filled)}] {fraction,4:P0} {p.Phase,-9} " +
               $"{p.Processed:N0}/{p.Target:N0} events  {p.EventsPerSecond:N0} ev/s  {eta}";
    }
}
