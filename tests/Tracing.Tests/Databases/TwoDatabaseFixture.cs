using Alba;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracing.Api.Access;
using Tracing.Projections.Databases;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Databases;

/// <summary>
/// The real API over two databases of the local cluster (ADR 0031): the suite's database is the main one, and
/// <c>TRACING_DB_SECOND</c> (created by <c>./tracing</c>, owned by the application role) the second. Its own schema in
/// both, wiped once per run; each test places its fresh workspaces explicitly.
/// </summary>
public sealed class TwoDatabaseFixture : IAsyncLifetime
{
    public const string Second = "second";
    public static readonly string Schema = AppFixture.Schema + "_multidb";

    /// <summary>TRACING_DB_SECOND, or the suite's connection string with its database name suffixed "_second".</summary>
    public static string SecondConnectionString =>
        Environment.GetEnvironmentVariable("TRACING_DB_SECOND")
        ?? new NpgsqlConnectionStringBuilder(AppFixture.ConnectionString)
            { Database = new NpgsqlConnectionStringBuilder(AppFixture.ConnectionString).Database + "_second" }.ConnectionString;

    public IAlbaHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.DropSchemaAsync(AppFixture.ConnectionString, Schema);
        await Database.DropSchemaAsync(SecondConnectionString, Schema);
        Host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("TRACING_DB", AppFixture.ConnectionString);
            b.UseSetting($"Tracing:Databases:{Second}", SecondConnectionString);
            b.UseSetting("Tracing:Schema", Schema);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Tracing:SigningSecret", AppFixture.SigningSecret);
            b.UseSetting("Tracing:ServiceToken", AppFixture.ServiceToken);
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public WorkspaceDatabases Databases => Host.Services.GetRequiredService<WorkspaceDatabases>();

    /// <summary>A fresh workspace placed in <paramref name="database"/>, with a project and an API key made the CLI's way.</summary>
    public async Task<TestClient> NewClientAsync(string database, string? workspace = null)
    {
        workspace ??= "ws-" + Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(database, await Databases.PlaceAsync(workspace, database, default));
        var issued = await Host.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync(workspace, "proj", "test", ["traces:read", "traces:write"], default);
        return new TestClient(Host, issued.Token, workspace, "proj", issued.Record.Id);
    }

    /// <summary>Marten's own wait, on the database <paramref name="workspace"/> lives in (the store-wide wait gives up on a
    /// database without events).</summary>
    public async Task WaitForProjectionsAsync(string workspace)
    {
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        var database = await store.Storage.FindOrCreateDatabase(await Databases.NameForAsync(workspace, default));
        await database.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
    }

    public static string ConnectionStringOf(string database) =>
        database == WorkspaceDatabases.MainName ? AppFixture.ConnectionString : SecondConnectionString;

    /// <summary>Rows of <paramref name="table"/> (in the test schema of <paramref name="database"/>) matching the where clause.</summary>
    public static async Task<long> CountAsync(string database, string table, string where, params object[] args)
    {
        await using var conn = new NpgsqlConnection(ConnectionStringOf(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"select count(*) from {Schema}.{table} where {where}", conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

[CollectionDefinition(Name)]
public sealed class TwoDatabaseCollection : ICollectionFixture<TwoDatabaseFixture>
{
    public const string Name = "two-databases";
}
