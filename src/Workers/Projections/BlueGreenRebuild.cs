using Marten;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tracing.Projections;
using Tracing.Projections.Rebuilds;

namespace Tracing.Workers.Projections;

public sealed record GreenProgress(long Processed, long Target);

/// <summary>
/// Rebuilds one async projection without taking it away from readers (ADR 0012): Marten rebuilds a green copy into
/// <c>{schema}_green</c> from the event log while the served (blue) shard keeps projecting new events; then the blue
/// shard stops, the green copy catches up to the high-water mark, the tables swap in one transaction and the blue
/// shard resumes from the green copy's position. Run only by the projection leader's RebuildRunner.
/// </summary>
public sealed class BlueGreenRebuild(IDocumentStore served, NpgsqlDataSource dataSource, TracingStoreSettings settings, ShardControl control,
    AsyncProjectionCatalog catalog, ProjectionLeadership leadership,
    SupervisionOptions options, ILogger<BlueGreenRebuild> log)
{
    public async Task RunAsync(AsyncProjection projection, Func<string, GreenProgress, Task> report, CancellationToken ct)
    {
        await using var green = GreenStore.Build(dataSource, settings.Schema, projection.Name, settings.Prices);
        foreach (var type in projection.DocumentTypes) await green.Storage.Database.EnsureStorageExistsAsync(type, ct);
        if (OwnedTables.For(projection.Name) is { } owned) await owned.EnsureAsync(dataSource, GreenStore.SchemaFor(settings.Schema), ct);
        using var daemon = await green.BuildProjectionDaemonAsync();
        var greenShards = projection.Shards.Select(GreenStore.ShardFor).ToArray();
        var timeout = TimeSpan.FromMinutes(options.RebuildTimeoutMinutes);

        using (var reporting = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var reporter = ReportWhileAsync("building", greenShards, report, reporting.Token);
            try
            {
                // A marked single-stream projection replays from the log (ADR 0039); the rest through Marten's rebuild.
                var replay = options.ReplayFromLog ? LogReplays.For(green, ((DocumentStore)served).Options.Serializer(), dataSource, settings.Schema, options.ReplaySizes) : null;
                if (replay is not null) await RunWithinAsync(replay, timeout, ct);
                else await daemon.RebuildProjectionAsync(projection.Name + GreenStore.NameSuffix, timeout, ct);
            }
            finally { await reporting.CancelAsync(); await reporter; }
        }

        // The switch: the leader's daemon is paused (and the supervisor holds off, so nothing restarts the served shard
        // under us); the green copy takes the events appended meanwhile; tables and progression swap in one transaction;
        // resuming restarts every shard from its stored progression. Readers keep reading throughout.
        var all = catalog.All.SelectMany(p => p.Shards).ToArray();
        control.Hold(all);
        try
        {
            await report("switching", await MeasureAsync(greenShards, ct));
            await leadership.PauseAsync();
            try
            {
                await daemon.CatchUpAsync(timeout, ct);
                await TableSwap.SwapAsync(dataSource, settings.Schema, projection, ct);
                log.LogInformation("Rebuilt projection {Projection}: green copy switched in", projection.Name);
            }
            finally { await leadership.ResumeAsync(); }
        }
        finally { control.Release(all); }
        await report("done", await MeasureAsync(projection.Shards.ToArray(), ct));
    }

    private async Task RunWithinAsync(ILogReplay replay, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try { log.LogInformation("Replayed {Projection} from the log: {Report}", replay.Projection, await replay.RunAsync(limit.Token)); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { throw new TimeoutException($"The replay took longer than {timeout}."); }
    }

    private async Task ReportWhileAsync(string phase, string[] shards, Func<string, GreenProgress, Task> report, CancellationToken ct)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(100, options.PollMilliseconds)));
        try
        {
            do { await report(phase, await MeasureAsync(shards, ct)); }
            while (await tick.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) { }
        catch (Exception ex) { log.LogDebug(ex, "Reporting rebuild progress failed"); }
    }

    /// <summary>The slowest of the shards' positions and the event log's head (the larger of the mark and the sequence).</summary>
    private async Task<GreenProgress> MeasureAsync(string[] shards, CancellationToken ct)
    {
        var s = settings.Schema;
        await using var cmd = dataSource.CreateCommand(
            $"select (select min(coalesce(p.last_seq_id, 0)) from unnest($1::text[]) as n(name) left join {s}.mt_event_progression p on p.name = n.name), " +
            $"greatest(coalesce((select last_seq_id from {s}.mt_event_progression where name = 'HighWaterMark'), 0), " +
            $"(select case when is_called then last_value else 0 end from {s}.mt_events_sequence))");
        cmd.Parameters.Add(new NpgsqlParameter { Value = shards });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new GreenProgress(r.IsDBNull(0) ? 0 : r.GetInt64(0), r.GetInt64(1));
    }
}
