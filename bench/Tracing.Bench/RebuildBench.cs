using System.Diagnostics;
using Tracing.Domain.Rebuilds;
using Tracing.Projections.Rebuilds;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracing.Workers.Analysis;

namespace Tracing.Bench;

/// <summary>
/// Rebuild: the blue/green rebuild of the SessionSummary projection over every event of the bench schema, the analysis
/// rerun over the bench workspace's sessions, and a raw sequential scan of the same events for comparison.
/// </summary>
public static class RebuildBench
{
    public sealed record Result(long Events, double RebuildEventsPerSecond, double RawScanEventsPerSecond,
        int RerunSessions, double RerunSessionsPerSecond, double RerunEventsPerSecond, IReadOnlyDictionary<string, double> Phases);

    public static async Task<Result> RunAsync(ApiHost host, string schema, bool rerun, CancellationToken ct)
    {
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var events = await ScalarAsync(dataSource, $"select count(*) from {schema}.mt_events", ct);

        var scan = Stopwatch.StartNew();
        await ScalarAsync(dataSource, $"select sum(octet_length(data::text)) from {schema}.mt_events", ct);
        var rawScan = events / scan.Elapsed.TotalSeconds;

        // The supported path (ADR 0012): a request the host's projection leader executes blue/green, timed from the
        // request to its completion (green build, catch-up and switch). The phases are seen by polling the request
        // every 50 ms: queued (until the leader's runner claims it), prepare (green schema and daemon), building (Marten's
        // rebuild of the green copy), switching (catch-up and table swap) and the rest (recording completion).
        var requests = host.Services.GetRequiredService<RebuildRequests>();
        var rebuild = Stopwatch.StartNew();
        var request = await requests.RequestAsync(["SessionSummary"], "bench", ct);
        var id = (request.Accepted ?? request.AlreadyActive)!.Id;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var phases = new Dictionary<string, double>();
        var (phase, since) = ("queued", 0.0);
        ProjectionRebuild? done;
        while ((done = await requests.GetAsync(id, ct))?.IsActive != false)
        {
            var now = done?.Status == RebuildStatus.Running ? done.Projections[0].Phase switch
            {
                RebuildPhase.Building => "building", RebuildPhase.Switching => "switching", RebuildPhase.Done => "finish", _ => "prepare",
            } : "queued";
            if (now != phase)
            {
                phases[phase] = rebuild.Elapsed.TotalSeconds - since;
                (phase, since) = (now, rebuild.Elapsed.TotalSeconds);
            }
            await tick.WaitForNextTickAsync(ct);
        }
        phases[phase] = rebuild.Elapsed.TotalSeconds - since;
        if (done.Status != RebuildStatus.Completed) throw new InvalidOperationException($"rebuild {id} {done.Status}: {done.Error}");
        var rebuildRate = events / rebuild.Elapsed.TotalSeconds;
        phases["total"] = rebuild.Elapsed.TotalSeconds;

        if (!rerun) return new Result(events, rebuildRate, rawScan, 0, double.NaN, double.NaN, phases);
        var traceEvents = await ScalarAsync(dataSource, $"select count(*) from {schema}.mt_events where type = 'trace_event'", ct);
        var report = await host.Services.GetRequiredService<AnalysisRerun>().RunAsync(new RerunScope(ApiHost.Workspace), ct);
        return new Result(events, rebuildRate, rawScan, report.Sessions, report.SessionsPerSecond,
            traceEvents / Math.Max(report.Elapsed.TotalSeconds, 1e-9), phases);
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v) : 0;
    }
}
