using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tracing.Api.Access;
using Tracing.Projections.Rebuilds;
using Tracing.Tests.Support;
using Tracing.Workers.Projections;

namespace Tracing.Tests.Rebuilds;

/// <summary>
/// API nodes (real Kestrel, daemon running) on a schema of their own, so each rebuild test owns its projection
/// leadership (the daemon lock id is per schema) and rebuilds only its own data.
/// </summary>
public static class RebuildNodes
{
    public const string ServiceToken = "rebuild-service-token-5c1d9e7f3a2b4680";

    /// <summary>A HotCold lock id of the test schema's own: the suite's main host holds Marten's default one.</summary>
    public static int LockIdFor(string schema) => 700_000 + Math.Abs(schema.GetHashCode(StringComparison.Ordinal) % 100_000);

    public static async Task ResetAsync(string schema)
    {
        foreach (var s in new[] { schema, GreenStore.SchemaFor(schema), schema + "_retired" })
            await Database.DropSchemaAsync(AppFixture.ConnectionString, s);
    }

    public static Task<LoopbackApi> StartAsync(string schema, CapturedLogs logs, params string[] extra) =>
        StartAsync(schema, logs, null, extra);

    public static Task<LoopbackApi> StartAsync(string schema, CapturedLogs logs, Action<WebApplicationBuilder>? configure, params string[] extra) =>
        LoopbackApi.StartAsync(b => { b.Logging.AddProvider(logs); configure?.Invoke(b); },
        [
            $"Tracing:Schema={schema}", $"Tracing:DaemonLockId={LockIdFor(schema)}", "Logging:LogLevel:Default=Information", "Logging:LogLevel:Microsoft=Warning",
            "Logging:LogLevel:System=Warning", "Logging:LogLevel:Wolverine=Warning", "Logging:LogLevel:Marten=Warning",
            "Logging:LogLevel:JasperFx=Warning",
            $"Tracing:ServiceToken={ServiceToken}", "Tracing:Projections:PollMilliseconds=200",
            .. extra,
        ]);

    public static async Task<HttpClient> KeyClientAsync(LoopbackApi node, string workspace)
    {
        var issued = await node.Services.GetRequiredService<KeyIssuer>().CreateAsync(workspace, "proj", "test", ["traces:read", "traces:write"], default);
        return node.CreateClient(issued.Token);
    }

    public static HttpClient ServiceClient(LoopbackApi node)
    {
        var http = node.CreateClient(ServiceToken);
        http.DefaultRequestHeaders.Add(ServiceCredential.WorkspaceHeader, "ops");
        http.DefaultRequestHeaders.Add(ServiceCredential.ProjectHeader, "ops");
        return http;
    }

    /// <summary>The node among <paramref name="nodes"/> holding projection leadership, once one does.</summary>
    public static Task<LoopbackApi> LeaderAsync(params LoopbackApi[] nodes) =>
        Eventually.UntilAsync(() => Task.FromResult(nodes.FirstOrDefault(n => n.Services.GetRequiredService<LeaderDaemon>().Current() is not null)),
            n => n is not null, TimeSpan.FromSeconds(30), _ => "no node became projection leader")!;

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>());

    /// <summary>Every document row of every registered async projection, as stored: tenant, id and JSON.</summary>
    public static async Task<Dictionary<string, List<string>>> ReadModelsAsync(string schema, AsyncProjectionCatalog catalog)
    {
        var all = new Dictionary<string, List<string>>();
        await using var conn = new NpgsqlConnection(AppFixture.ConnectionString);
        await conn.OpenAsync();
        foreach (var table in catalog.All.SelectMany(p => p.Tables))
        {
            // Marten documents: tenant, id and body (their version and timestamps differ by design); our own tables
            // (OwnedTables, e.g. Fleet's): the whole row.
            var sql = table.StartsWith("mt_doc_", StringComparison.Ordinal)
                ? $"select tenant_id || '/' || id || ' ' || data::text from {schema}.{table} order by tenant_id, id"
                : $"select t::text from {schema}.{table} t order by 1";
            await using var cmd = new NpgsqlCommand(sql, conn);
            var rows = new List<string>();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) rows.Add(r.GetString(0));
            all[table] = rows;
        }
        return all;
    }

    /// <summary>
    /// Waits until every async shard's progression has reached the last event committed when this was called (the
    /// event sequence can have gaps from rolled-back appends, so the committed maximum is the mark to reach).
    /// </summary>
    public static async Task WaitForShardsAtHighWaterAsync(string schema, AsyncProjectionCatalog catalog)
    {
        var head = (await Database.QueryAsync($"select coalesce(max(seq_id), 0) from {schema}.mt_events", r => r.GetInt64(0)))[0];
        var shards = catalog.All.SelectMany(p => p.Shards).ToArray();
        await Eventually.UntilAsync(() => Database.QueryAsync(
                $"select n.name, coalesce(p.last_seq_id, 0) from unnest($1::text[]) as n(name) left join {schema}.mt_event_progression p on p.name = n.name",
                r => (Shard: r.GetString(0), At: r.GetInt64(1)), (object)shards),
            rows => rows.All(x => x.At >= head), TimeSpan.FromSeconds(60),
            rows => string.Join(", ", rows.Select(x => $"{x.Shard} at {x.At} of {head}")));
    }
}
