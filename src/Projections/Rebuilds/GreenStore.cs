using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// The "green" side of a blue/green rebuild (ADR 0012): a second Marten store with the same configuration whose
/// documents live in the schema <c>{schema}_green</c> while it reads the one event log in <c>{schema}</c>. Its
/// projections carry a distinct name, so their progression rows never collide with the served ("blue") shards.
/// </summary>
public static class GreenStore
{
    public const string NameSuffix = "__green";

    public static string SchemaFor(string schema) => schema + "_green";

    public static string ShardFor(string blueShard) =>
        ShardName.TryParse(blueShard, out var s) && s is not null ? $"{s.Name}{NameSuffix}:{s.ShardKey}" : blueShard + NameSuffix;

    /// <summary>Events per page of a green replay: ten times the served shards' default (ADR 0028).</summary>
    public const int ReplayBatchSize = 5000;

    /// <summary>
    /// A green copy only replays history, so it reads bigger pages than a served shard (whose pages are small so new
    /// events show quickly): fewer event queries, and fewer writes of the same read-model row per page. The daemon's
    /// waits are the served ones, so its catch-up looks at the high-water mark every 250 ms, not every second.
    /// </summary>
    private static void TuneForReplay(StoreOptions opts, JasperFx.Events.Projections.AsyncOptions replay)
    {
        new Daemon.DaemonTiming().ApplyTo(opts);
        replay.BatchSize = Math.Max(replay.BatchSize, ReplayBatchSize);
        replay.MaximumHopperSize = Math.Max(replay.MaximumHopperSize, 4 * replay.BatchSize);
    }

    public static DocumentStore Build(NpgsqlDataSource dataSource, string schema, string projection, Tracing.Domain.Fleet.PriceTable? prices = null)
    {
        var opts = new StoreOptions();
        // Configured for the green schema, so projections that write their own tables (OwnedTables) write, and tear
        // down, the green copies; only the event log is the served one. Prices as served, so a rebuild applies them.
        opts.ConfigureTracing(dataSource, SchemaFor(schema), prices);
        opts.Events.DatabaseSchemaName = schema;
        opts.Projections.All.RemoveAll(p => p.Lifecycle != ProjectionLifecycle.Async || p.Name != projection);
        if (opts.Projections.All.Count != 1)
            throw new InvalidOperationException($"'{projection}' is not an async projection registered in StoreSetup.ConfigureTracing.");
        var green = opts.Projections.All[0] as ProjectionBase
            ?? throw new InvalidOperationException($"Projection '{projection}' cannot be renamed for a blue/green rebuild.");
        green.Name = projection + NameSuffix;
        TuneForReplay(opts, green.Options);
        return new DocumentStore(opts);
    }
}
