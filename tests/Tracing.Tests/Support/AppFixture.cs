using Alba;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Xunit;

namespace Tracing.Tests.Support;

/// <summary>
/// One real API host (real PostgreSQL, async daemon running) shared by the collection. The test schema is
/// wiped once per run; each test then works in its own fresh workspace (a Marten tenant), so no test can
/// see another's data and none depends on order.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public static readonly string Schema = Environment.GetEnvironmentVariable("TRACING_TEST_SCHEMA") ?? "tracing_tests";
    public IAlbaHost Host { get; private set; } = null!;

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("TRACING_DB") ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=tracing";

    public async Task InitializeAsync()
    {
        await Database.DropSchemaAsync(ConnectionString, Schema);
        Host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("TRACING_DB", ConnectionString);
            b.UseSetting("Tracing:Schema", Schema);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>A fresh workspace + project with an API key, created through the same code path as the CLI.</summary>
    public async Task<TestClient> NewClientAsync(string? workspace = null, string project = "proj", string[]? scopes = null)
    {
        workspace ??= "ws-" + Guid.NewGuid().ToString("N")[..12];
        var issuer = Host.Services.GetRequiredService<KeyIssuer>();
        var issued = await issuer.CreateAsync(workspace, project, "test", scopes ?? ["traces:read", "traces:write"], default);
        return new TestClient(Host, issued.Token, workspace, project, issued.Record.Id);
    }

    public Task WaitForProjectionsAsync() => Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "api";
}
