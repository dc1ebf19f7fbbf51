using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using Npgsql;
using Tracing.Domain.Sessions;
using Tracing.Projections.Analysis;
using Tracing.Projections.Rebuilds;
using Tracing.Projections.Sessions;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Rebuilds;

/// <summary>
/// ADR 0039: which projections replay from the log. Only a marked single-stream projection that just creates and
/// applies; a marked one with a hook the replay would not call fails before anything is written; an unmarked one is
/// left to Marten's rebuild. (Nothing here touches the database: a store connects on first use.)
/// </summary>
public sealed class ReplayFromLogGuards : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = new NpgsqlDataSourceBuilder(AppFixture.ConnectionString).Build();

    private ILogReplay? ReplayFor<T>() where T : ProjectionBase, IProjectionSource<IDocumentOperations, IQuerySession>, new()
    {
        var store = DocumentStore.For(opts =>
        {
            opts.Connection(_source);
            opts.DatabaseSchemaName = "tracing_guards";
            opts.Events.StreamIdentity = StreamIdentity.AsString;
            opts.Projections.Add<T>(ProjectionLifecycle.Async);
        });
        return LogReplays.For(store, store.Options.Serializer(), _source, "tracing_guards", new ReplaySizes());
    }

    [Fact]
    public void the_session_summary_replays_from_the_log_and_an_unmarked_projection_does_not()
    {
        Assert.Equal("SessionSummary", ReplayFor<SessionSummaryProjection>()?.Projection);
        Assert.Null(ReplayFor<AnalysisViewProjection>());
    }

    [Fact]
    public void a_marked_projection_with_a_metadata_hook_is_refused()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => ReplayFor<HookedProjection>());
        Assert.Contains("declares ApplyMetadata", refused.Message);
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}

public sealed class HookedDoc
{
    public string Id { get; set; } = "";
    public string? Last { get; set; }
}

[ReplayFromLog]
public sealed partial class HookedProjection : SingleStreamProjection<HookedDoc, string>
{
    public HookedDoc Create(SessionStarted e) => new();

    public override HookedDoc ApplyMetadata(HookedDoc aggregate, IEvent lastEvent)
    {
        aggregate.Last = lastEvent.Id.ToString();
        return aggregate;
    }
}
