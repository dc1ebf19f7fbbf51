using Tracing.Projections;
using Tracing.Projections.Events;
using Tracing.Projections.Incidents;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Events;

/// <summary>
/// ADR 0045: the async shards that never read trace events (analyses, incidents) load their ranges through a partial
/// index of the other events, not by reading every trace event's row in the range and filtering it out.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LoadingOtherEvents(AppFixture app)
{
    private static readonly string[] AnalysisAndIncidentTypes =
    [
        StoreSetup.AnalysisCompletedAlias, IncidentStoreSetup.StatusChangedAlias, IncidentStoreSetup.OwnerChangedAlias,
        IncidentStoreSetup.FixDispatchedAlias, IncidentStoreSetup.FixProposedAlias, IncidentStoreSetup.RegressedAlias,
        IncidentStoreSetup.SessionErasedAlias,
    ];

    [Fact]
    public async Task a_range_load_of_analysis_and_incident_events_reads_the_other_events_index()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.AppendSeqs(id, 3000);
        await Database.QueryAsync($"analyze {AppFixture.Schema}.mt_events", _ => 0);

        // The shape of the daemon's loader: a position range and the shard's event types.
        var types = string.Join(", ", AnalysisAndIncidentTypes.Select(t => $"'{t}'"));
        var plan = string.Join("\n", await Database.QueryAsync(
            $"explain select d.data, d.type, d.seq_id, d.stream_id from {AppFixture.Schema}.mt_events as d " +
            $"where d.seq_id > 0 and d.seq_id <= (select max(seq_id) from {AppFixture.Schema}.mt_events) " +
            $"and d.type = any(array[{types}]) order by d.seq_id",
            r => r.GetString(0)));

        Assert.Contains(EventIndexes.OtherEventsName, plan);
        Assert.DoesNotContain("pkey_mt_events_seq_id on mt_events d", plan);
        Assert.DoesNotContain("Seq Scan on mt_events", plan);
    }

    [Fact]
    public async Task the_other_events_index_leaves_trace_events_out()
    {
        // The index's own predicate, read back from the catalogue: what it leaves out is what the append never maintains.
        var predicate = (await Database.QueryAsync(
            "select pg_get_expr(i.indpred, i.indrelid) from pg_index i join pg_class c on c.oid = i.indexrelid " +
            "join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2 and i.indisvalid",
            r => r.GetString(0), AppFixture.Schema, EventIndexes.OtherEventsName)).Single();

        Assert.Equal($"((type)::text <> '{StoreSetup.TraceEventAlias}'::text)", predicate);
    }

    [Fact]
    public async Task the_daemons_own_loads_use_the_other_events_index()
    {
        var before = await IndexScansAsync();
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Enumerable.Range(1, 100).Select(i => Ev(i)).ToArray());

        // Every new range wakes the analysis and incident shards, whose loads are Marten's own SQL; PostgreSQL reports
        // a backend's index scans when it next goes idle (within about ten seconds), so this polls with a deadline.
        // The counter is the schema's, so loads for other tests' sessions count too: what fails here is a daemon whose loads
        // never use the index.
        await Eventually.UntilAsync(IndexScansAsync, n => n > before, TimeSpan.FromSeconds(45),
            n => $"idx_scan of {EventIndexes.OtherEventsName} stayed at {n} (was {before})");
    }

    private static async Task<long> IndexScansAsync() => (await Database.QueryAsync(
        "select coalesce(sum(idx_scan), 0)::bigint from pg_stat_user_indexes where schemaname = $1 and indexrelname = $2",
        r => r.GetInt64(0), AppFixture.Schema, EventIndexes.OtherEventsName)).Single();
}
