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
    public static async Task<int> RunAsync(IServiceProvider services, IConfiguration config, string[] rest, TextWriter output)
    {
        var names = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == "--projection" && i + 1 < rest.Length) names.Add(rest[++i]);
            else { output.WriteLine($"unknown argument '{rest[i]}'"); return 2; }
        }
        var settings = services.GetRequiredService<TracingStoreSettings>();
        var serving = await LeadershipProbe.IsHeldAsync(services.GetRequiredService<Npgsql.NpgsqlDataSource>(), settings.Schema, CancellationToken.None);
        var requests = services.GetRequiredService<RebuildRequests>();
        var request = await requests.RequestAsync(names, $"cli:{Environment.UserName}", CancellationToken.None);
        if (request.Unknown.Count > 0)
        {
            output.WriteLine($"unknown async projection(s): {string.Join(", ", request.Unknown)}; registered: " +
                             string.Join(", ", services.GetRequiredService<AsyncProjectionCatalog>().All.Select(p => p.Name)));
            return 2;
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
            if (!r.IsActive)
            {
                output.WriteLine(r.Status == RebuildStatus.Completed
                    ? $"rebuild {r.Id} completed on {r.Node} in {(r.FinishedAt - r.StartedAt)?.TotalSeconds:F1} s"
                    : $"rebuild {r.Id} {r.Status}: {r.Error}");
                return r.Status == RebuildStatus.Completed ? 0 : 1;
            }
            await tick.WaitForNextTickAsync();
        }
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
