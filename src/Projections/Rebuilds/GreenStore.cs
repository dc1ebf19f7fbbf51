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

    public static DocumentStore Build(NpgsqlDataSource dataSource, string schema, string projection)
    {
        var opts = new StoreOptions();
        opts.ConfigureTracing(dataSource, schema);
        opts.DatabaseSchemaName = SchemaFor(schema);
        opts.Events.DatabaseSchemaName = schema;
        opts.Projections.All.RemoveAll(p => p.Lifecycle != ProjectionLifecycle.Async || p.Name != projection);
        if (opts.Projections.All.Count != 1)
            throw new InvalidOperationException($"'{projection}' is not an async projection registered in StoreSetup.ConfigureTracing.");
        var green = opts.Projections.All[0] as ProjectionBase
            ?? throw new InvalidOperationException($"Projection '{projection}' cannot be renamed for a blue/green rebuild.");
        green.Name = projection + NameSuffix;
        return new DocumentStore(opts);
    }
}
