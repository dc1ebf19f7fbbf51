using System.Buffers;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using JasperFx.Events;
using Marten;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// Turns a page of <see cref="LogRow"/>s into the events an evolver applies, as Marten's loader would: the body
/// deserialised with the store's serializer settings, wrapped as <c>Event&lt;T&gt;</c> with its sequence, id, stream,
/// tenant, version and timestamp.
/// </summary>
public sealed class LogEvents(ISerializer serializer, Type[] types)
{
    private readonly Func<object, IEvent>[] _wrap = types.Select(Wrapper).ToArray();
    private readonly JsonSerializerOptions? _json = DeserializeOptions.Of(serializer);

    /// <summary>Parses the rows and returns their pooled array (<see cref="LogRows.Read"/>), whatever happens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once a rebuild: optimised from its first call, not after tiering
    public IEvent[] Parse((LogRow[] Rows, int Count) page)
    {
        var (rows, count) = page;
        try
        {
            var events = new IEvent[count];
            for (var i = 0; i < count; i++)
            {
                var row = rows[i];
                var e = _wrap[row.Type](Deserialize(types[row.Type], row.Data));
                e.Sequence = row.Seq;
                e.Id = row.Id;
                e.StreamKey = row.Stream;
                e.TenantId = row.Tenant;
                e.Version = row.Version;
                e.Timestamp = row.Timestamp;
                events[i] = e;
            }
            return events;
        }
        finally
        {
            Array.Clear(rows, 0, count); // the pool keeps no bodies alive
            ArrayPool<LogRow>.Shared.Return(rows);
        }
    }

    /// <summary>Straight from the bytes with Marten's deserialising options; through its stream reader when they are not at hand.</summary>
    public object Deserialize(Type type, byte[] json)
    {
        if (_json is not null) return JsonSerializer.Deserialize(json, type, _json)!;
        using var body = new MemoryStream(json, writable: false);
        return serializer.FromJson(type, body);
    }

    private static Func<object, IEvent> Wrapper(Type eventType) =>
        typeof(LogEvents).GetMethod(nameof(Wrap), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(eventType).CreateDelegate<Func<object, IEvent>>();

    private static IEvent Wrap<T>(object data) where T : notnull => new Event<T>((T)data);

    /// <summary>
    /// The options Marten's System.Text.Json serializer deserialises with. It keeps several option sets and hands each to
    /// <c>Configure</c>; the deserialising one is the set with its converter for <c>object</c> members. Asked once per
    /// serializer, so the served serializer is not touched again by every rebuild; null when there is no such set.
    /// </summary>
    private static class DeserializeOptions
    {
        private static readonly ConditionalWeakTable<ISerializer, StrongBox<JsonSerializerOptions?>> Found = new();

        public static JsonSerializerOptions? Of(ISerializer serializer) => Found.GetValue(serializer, s =>
        {
            var sets = new List<JsonSerializerOptions>();
            (s as Marten.Services.SystemTextJsonSerializer)?.Configure(sets.Add);
            return new StrongBox<JsonSerializerOptions?>(sets.FirstOrDefault(o =>
                o.Converters.Any(c => c.GetType().Name == "SystemObjectNewtonsoftCompatibleConverter")));
        }).Value;
    }
}
