using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Tracing.Domain.Events;
using Tracing.Domain.Fleet;
using Tracing.Domain.Sessions;

namespace Tracing.Projections.Fleet;

/// <summary>
/// Async projection behind search and stats (ADR 0019): for each batch of events it loads the touched sessions' state,
/// folds the events in order (<see cref="FleetFold"/>), and queues three set-based statements: the search rows, and
/// additive upserts of the hourly rollups and latency bins. The daemon commits them with its progress in one
/// transaction, so each event counts exactly once.
/// </summary>
public sealed class FleetProjection : JasperFx.Events.Projections.ProjectionBase, IProjection
{
    public const string ProjectionName = "Fleet";

    private readonly string schema;
    private readonly PriceTable prices;

    public FleetProjection(string schema, PriceTable prices)
    {
        this.schema = schema;
        this.prices = prices;
        Name = ProjectionName;
        // The event types it folds (ADR 0028): the daemon's loader then asks PostgreSQL for these rows only
        // (type = any(...)), so analysis and incident events are never read, deserialised or handed to this shard.
        IncludeType<SessionStarted>();
        IncludeType<TraceEventRecorded>();
    }

    public async Task ApplyAsync(IDocumentOperations ops, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var states = await LoadStatesAsync(ops, events, ct);
        var batch = new RollupBatch();
        var rows = new List<SearchRow>(events.Count);
        foreach (var e in events)
        {
            var tenant = e.TenantId;
            switch (e.Data)
            {
                case SessionStarted started:
                    states[(tenant, e.StreamKey!)] = FleetFold.Start(e.StreamKey!, started, tenant, batch);
                    break;
                case TraceEventRecorded recorded:
                    var key = (tenant, e.StreamKey!);
                    if (!states.TryGetValue(key, out var s)) states[key] = s = Orphan(e.StreamKey!, recorded);
                    rows.Add(FleetFold.Apply(s, recorded, tenant, e.Sequence, prices, batch));
                    break;
            }
        }

        foreach (var group in states.GroupBy(kv => kv.Key.Tenant))
            ops.ForTenant(group.Key).Store(group.Select(kv => kv.Value).ToArray());
        if (rows.Count > 0) FleetWrites.QueueSearchRows(ops, schema, rows);
        if (batch.Rows.Count > 0) FleetWrites.QueueRollups(ops, schema, batch);
    }

    private static async Task<Dictionary<(string Tenant, string Stream), FleetSession>> LoadStatesAsync(
        IDocumentOperations ops, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var states = new Dictionary<(string, string), FleetSession>();
        var wanted = events.Where(e => e.Data is TraceEventRecorded && e.StreamKey is not null)
            .Select(e => (e.TenantId, e.StreamKey!)).Distinct()
            .Except(events.Where(e => e.Data is SessionStarted).Select(e => (e.TenantId, e.StreamKey!)));
        foreach (var group in wanted.GroupBy(w => w.Item1))
        {
            var found = await ops.ForTenant(group.Key).LoadManyAsync<FleetSession>(ct, group.Select(g => g.Item2).ToArray());
            foreach (var s in found) states[(group.Key, s.Id)] = s;
        }
        return states;
    }

    /// <summary>A session whose start was never projected (not expected: every stream begins with SessionStarted).</summary>
    private static FleetSession Orphan(string streamKey, TraceEventRecorded e) => new()
    {
        Id = streamKey, ProjectId = streamKey.Split('/')[0], SessionId = e.SessionId,
    };
}
