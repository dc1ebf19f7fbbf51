using Alba;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
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
    /// <summary>TRACING_TEST_SCHEMA lets parallel checkouts test against one database without dropping each other's schema.</summary>
    public static readonly string Schema = Environment.GetEnvironmentVariable("TRACING_TEST_SCHEMA") ?? "tracing_tests";
    public const string SigningSecret = "test-signing-secret-with-enough-entropy-0123456789";
    public const string ServiceToken = "test-service-token-7f3c1e9a5b2d4680";
    public const int ExportMaxSessions = 25;
    public const int ExportMaxEvents = 100_000;

    public IAlbaHost Host { get; private set; } = null!;

    /// <summary>Tracing:DataDir of this host (artifact storage): a fresh temp folder per fixture, deleted afterwards.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "tracing-tests-" + Guid.NewGuid().ToString("N")[..12]);

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
            b.UseSetting("Tracing:DataDir", DataDir);
            b.UseSetting("Tracing:SigningSecret", SigningSecret);
            b.UseSetting("Tracing:ServiceToken", ServiceToken);
            // Export caps low enough for tests to reach (Fleet/ExportingSessions, ExportMemory).
            b.UseSetting("Tracing:Export:MaxSessions", ExportMaxSessions.ToString());
            b.UseSetting("Tracing:Export:MaxEvents", ExportMaxEvents.ToString());
            b.UseSetting("Tracing:Jwt:Secret", TestKeys.JwtSecret);
            b.UseSetting("Tracing:Jwt:JwksUrl", TestKeys.JwksUrl);
            // The shared host never takes over another node's regression run during a test run: recovery tests start
            // their own short-lease nodes, and must not race this host over who claims a run (isolation, not a margin).
            b.UseSetting("Tracing:Regression:LeaseSeconds", "86400");
            b.UseSetting("Tracing:Jwt:Issuer", TestKeys.Issuer);
            b.ConfigureServices(s => s.AddSingleton<IDocumentRetriever>(TestKeys.Documents));
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
    }

    /// <summary>A fresh workspace + project with an API key, created through the same code path as the CLI.</summary>
    public async Task<TestClient> NewClientAsync(string? workspace = null, string project = "proj", string[]? scopes = null)
    {
        workspace ??= "ws-" + Guid.NewGuid().ToString("N")[..12];
        var issuer = Host.Services.GetRequiredService<KeyIssuer>();
        var issued = await issuer.CreateAsync(workspace, project, "test", scopes ?? ["traces:read", "traces:write"], default);
        return new TestClient(Host, issued.Token, workspace, project, issued.Record.Id);
    }

    /// <summary>A console (JWT) caller of <paramref name="workspace"/>; with <paramref name="project"/>, narrowed to it by header.</summary>
    public TestClient ConsoleClient(string workspace, string role, string? project = null, string subject = "user-1") =>
        new(Host, TestKeys.Hs256(workspace, role, subject), workspace, project ?? "", "",
            project is null ? null : new Dictionary<string, string> { ["X-Tracing-Project"] = project });

    public Task WaitForProjectionsAsync() => Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<AppFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "api";
}
