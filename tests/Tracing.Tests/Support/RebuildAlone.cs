using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Projections.Rebuilds;
using Tracing.Workers.Projections;

namespace Tracing.Tests.Support;

/// <summary>
/// A test's own in-place rebuild of the served store, with the host's daemon out of the way (ADR 0028): the leader's daemon
/// is paused (ProjectionLeadership, ADR 0029) and its shards held from the supervisor, as the blue/green switch does (ADR 0012), so exactly one daemon works
/// the database at a time. A second daemon beside the running one made JasperFx warn of "2 extended progression
/// writers" and let two daemons write the same progression rows.
/// </summary>
public static class RebuildAlone
{
    public static Task RebuildAloneAsync(this AppFixture app, params string[] projections) =>
        app.RebuildAloneAsync(app.Host.Services.GetRequiredService<IDocumentStore>(), projections);

    /// <summary>The same with <paramref name="store"/>'s daemon (another node's configuration of the same schema).</summary>
    public static async Task RebuildAloneAsync(this AppFixture app, IDocumentStore store, params string[] projections)
    {
        var services = app.Host.Services;
        var leadership = services.GetRequiredService<ProjectionLeadership>();
        var control = services.GetRequiredService<ShardControl>();
        var shards = services.GetRequiredService<AsyncProjectionCatalog>().All.SelectMany(p => p.Shards).ToArray();
        control.Hold(shards);
        await leadership.PauseAsync();
        try
        {
            using var daemon = await store.BuildProjectionDaemonAsync();
            foreach (var projection in projections) await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(2), default);
        }
        finally
        {
            await leadership.ResumeAsync();
            control.Release(shards);
        }
    }
}
