using System.Reflection;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// Finds the replay from the log for a green store's one projection (ADR 0039): a single-stream projection marked
/// <see cref="ReplayFromLogAttribute"/> whose conventional methods the source generator turned into a synchronous
/// evolver, the same dispatch Marten applies. An unmarked projection returns null and is rebuilt by Marten's daemon; a
/// marked one that does more than create and apply fails here, before anything is written.
/// </summary>
public static class LogReplays
{
    /// <summary>Hooks of Marten's aggregations the replay does not call; a marked projection must not declare them.</summary>
    private static readonly string[] Hooks = ["ApplyMetadata", "RaiseSideEffects", "DetermineAction", "ShouldDelete", "Evolve", "EvolveAsync"];

    /// <param name="serializer">The served store's: configured alike, and warm (the green store's is new with every rebuild).</param>
    public static ILogReplay? For(DocumentStore green, ISerializer serializer, NpgsqlDataSource source, string eventSchema, ReplaySizes sizes)
    {
        if (green.Options.Projections.All is not [ProjectionBase projection]) return null;
        var type = projection.GetType();
        if (type.GetCustomAttribute<ReplayFromLogAttribute>() is null) return null;
        var baseType = type.BaseType;
        while (baseType is not null && !(baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(Marten.Events.Aggregation.SingleStreamProjection<,>)))
            baseType = baseType.BaseType;
        if (baseType?.GetGenericArguments() is not [var doc, var id] || id != typeof(string))
            throw new InvalidOperationException($"{type.Name} is marked [ReplayFromLog] but is not a SingleStreamProjection<T, string>.");
        if (type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .FirstOrDefault(m => Hooks.Contains(m.Name)) is { } hook)
            throw new InvalidOperationException($"{type.Name} is marked [ReplayFromLog] but declares {hook.Name}, which a replay from the log does not call.");
        var evolver = Evolver(type, doc, projection)
            ?? throw new InvalidOperationException($"{type.Name} is marked [ReplayFromLog] but has no generated synchronous evolver (make it partial; no ShouldDelete).");
        var replay = typeof(LogReplay<>).MakeGenericType(doc);
        var shard = AsyncProjectionCatalog.Read(green.Options).Single().Shards.Single();
        return (ILogReplay)Activator.CreateInstance(replay, green, serializer, source, eventSchema, projection.Name, shard, evolver, sizes)!;
    }

    private static object? Evolver(Type projectionType, Type doc, object projection)
    {
        var registered = projectionType.Assembly.GetCustomAttributes<GeneratedEvolverAttribute>()
            .FirstOrDefault(a => a.ProjectionType == projectionType && a.AggregateType == doc);
        if (registered is null) return null;
        var ctor = registered.EvolverType.GetConstructors().FirstOrDefault(c => c.GetParameters() is [var p] && p.ParameterType.IsAssignableFrom(projectionType));
        var evolver = ctor is not null ? ctor.Invoke([projection]) : Activator.CreateInstance(registered.EvolverType);
        return evolver is not null && typeof(IGeneratedSyncEvolver<,>).MakeGenericType(doc, typeof(string)).IsInstanceOfType(evolver) ? evolver : null;
    }
}
