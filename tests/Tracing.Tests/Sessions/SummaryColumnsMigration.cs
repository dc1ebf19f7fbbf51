using Marten;
using Npgsql;
using Tracing.Projections;
using Tracing.Projections.Sessions;
using Tracing.Tests.Support;
using JasperFx;
using Weasel.Core;
using Xunit;

namespace Tracing.Tests.Sessions;

/// <summary>
/// ADR 0041: the session summary's project and list position are columns of their own (Marten duplicated fields), not
/// indexes over the jsonb body, so the daemon's constant rewrites of a summary stay HOT updates. A store made by an
/// earlier version (indexes over <c>data</c>) is migrated at start-up: the columns filled from the bodies, the old
/// indexes gone.
/// </summary>
public sealed class SummaryColumnsMigration : IAsyncLifetime
{
    private const string Schema = "tracing_summary_columns";
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        await Database.DropSchemaAsync(AppFixture.ConnectionString, Schema);
        _dataSource = new NpgsqlDataSourceBuilder(AppFixture.ConnectionString).Build();
    }

    public async Task DisposeAsync()
    {
        await Database.DropSchemaAsync(AppFixture.ConnectionString, Schema);
        await _dataSource.DisposeAsync();
    }

    private static SessionSummary Summary(string project, string session, long position) =>
        new() { Id = $"{project}/{session}", SessionId = session, ProjectId = project, CreatedPosition = position };

    private Task<List<string>> IndexesOverTheBodyAsync() => Database.QueryAsync(
        "select indexdef from pg_indexes where schemaname = '" + Schema + "' and tablename = 'mt_doc_sessionsummary' and indexdef like '%data%'",
        r => r.GetString(0));

    [Fact]
    public async Task a_store_of_the_earlier_shape_is_migrated_and_its_summaries_are_listed_by_the_new_columns()
    {
        // The earlier shape: computed indexes over the body, as the session summary was configured before ADR 0041.
        using (var earlier = DocumentStore.For(opts =>
        {
            opts.Connection(_dataSource);
            opts.DatabaseSchemaName = Schema;
            opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.SnakeCase);
            opts.Schema.For<SessionSummary>().MultiTenanted().Index(x => x.ProjectId).Index(x => x.CreatedPosition);
        }))
        {
            await earlier.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var session = earlier.LightweightSession("ws-a");
            session.Store(Summary("p1", "s1", 10), Summary("p1", "s2", 20), Summary("p2", "s3", 30));
            await session.SaveChangesAsync();
        }
        Assert.NotEmpty(await IndexesOverTheBodyAsync()); // the premise: the earlier shape indexed the body

        using var current = DocumentStore.For(opts => opts.ConfigureTracing(_dataSource, Schema));
        await current.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        Assert.Empty(await IndexesOverTheBodyAsync());
        await using var query = current.QuerySession("ws-a");
        var listed = await query.Query<SessionSummary>().Where(x => x.ProjectId == "p1")
            .OrderByDescending(x => x.CreatedPosition).Select(x => x.SessionId).ToListAsync();
        Assert.Equal(["s2", "s1"], listed);
        var before = await query.Query<SessionSummary>().Where(x => x.ProjectId == "p1" && x.CreatedPosition < 20)
            .Select(x => x.SessionId).ToListAsync();
        Assert.Equal(["s1"], before);
    }

    [Fact]
    public async Task rewriting_a_summary_is_a_hot_update()
    {
        using var store = DocumentStore.For(opts => opts.ConfigureTracing(_dataSource, Schema));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var summary = Summary("p1", "s1", 10);
        await using (var session = store.LightweightSession("ws-a"))
        {
            session.Store(summary);
            await session.SaveChangesAsync();
        }
        for (var i = 1; i <= 20; i++)
        {
            await using var session = store.LightweightSession("ws-a");
            summary.EventCount = i;
            session.Store(summary);
            await session.SaveChangesAsync();
        }
        // pg_stat_get_xact_* would need one transaction; the cumulative counters are flushed at commit, so poll with a deadline.
        var (updates, hot) = await Eventually.UntilAsync(async () =>
            (await Database.QueryAsync($"select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where schemaname = '{Schema}' and relname = 'mt_doc_sessionsummary'",
                r => (r.GetInt64(0), r.GetInt64(1)))).SingleOrDefault(), c => c.Item1 >= 20, TimeSpan.FromSeconds(15), c => $"{c}");
        // With the body indexed, none is HOT. Without, all are but the few that find their page full (a snapshot held
        // elsewhere in the cluster can keep the page from being pruned).
        Assert.True(hot > updates / 2, $"{hot} of {updates} updates were HOT");
        Assert.Empty(await IndexesOverTheBodyAsync());
    }
}
