using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Projections.Rebuilds;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Rebuilds;

/// <summary>The rebuild list is Marten's registrations, so a projection someone adds is rebuilt without a list to update.</summary>
[Collection(ApiCollection.Name)]
public sealed class RegisteredProjections(AppFixture app)
{
    [Fact]
    public void every_registered_async_projection_is_rebuilt_and_can_be_built_green()
    {
        var store = (DocumentStore)app.Host.Services.GetRequiredService<IDocumentStore>();
        var registered = store.Options.Projections.All
            .Where(p => p.Lifecycle == JasperFx.Events.Projections.ProjectionLifecycle.Async).Select(p => p.Name).Order().ToList();
        var catalog = app.Host.Services.GetRequiredService<AsyncProjectionCatalog>();

        Assert.NotEmpty(registered);
        Assert.Equal(registered, catalog.All.Select(p => p.Name).Order().ToList());
        foreach (var projection in catalog.All)
        {
            Assert.NotEmpty(projection.Tables);
            // The green copy is built from the same configuration: a projection registered elsewhere would fail here.
            using var green = GreenStore.Build(app.Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), AppFixture.Schema, projection.Name);
            Assert.Equal(projection.Name + GreenStore.NameSuffix, Assert.Single(green.Options.Projections.All).Name);
        }
    }
}
