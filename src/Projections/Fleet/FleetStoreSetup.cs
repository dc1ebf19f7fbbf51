using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Daemon;
using Tracing.Domain.Fleet;

namespace Tracing.Projections.Fleet;

/// <summary>Marten configuration of the fleet read model (search and stats, ADR 0019).</summary>
public static class FleetStoreSetup
{
    public static void ConfigureFleet(this StoreOptions opts, string schema, PriceTable prices)
    {
        opts.Schema.For<FleetSession>().MultiTenanted();
        // An ordinary async projection: the daemon runs it, `./tracing projections rebuild` finds it by its registration,
        // and a rebuild empties its tables and session state first.
        opts.Projections.Add(new FleetProjection(schema, prices), ProjectionLifecycle.Async, FleetProjection.ProjectionName, o =>
        {
            // Bigger batches mean fewer upserts of the same rollup rows (each one a new row version) at the same event count.
            o.BatchSize = 2000;
            o.DeleteViewTypeOnTeardown<FleetSession>();
            foreach (var table in FleetTables.All) o.DeleteDataInTableOnTeardown($"{schema}.{table}");
        });
    }
}
