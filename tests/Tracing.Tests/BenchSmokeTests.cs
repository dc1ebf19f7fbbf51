using System.Text.Json;
using Tracing.Bench;
using Tracing.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Tracing.Tests;

/// <summary>
/// Keeps bench/Tracing.Bench from rotting: runs <c>./tracing bench --smoke</c> in-process (the real API on a loopback
/// port, every section at tiny sizes) in a schema of its own, and requires a clean exit: no non-2xx, no replay count
/// or order mismatch, no read-model timeout. Timings are printed, never asserted.
/// </summary>
[Collection(nameof(BenchSmokeTests))]
public class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task bench_smoke_mode_runs_every_section_without_failures()
    {
        var schema = "tracing_bench_smoke_" + Guid.NewGuid().ToString("N")[..8];
        var results = Path.Combine(Path.GetTempPath(), schema + ".json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        try
        {
            var code = await BenchProgram.RunAsync(
                ["--smoke", "--schema", schema, "--db", AppFixture.ConnectionString, "--out", results], stdout, stderr);
            output.WriteLine(stdout.ToString());
            output.WriteLine(stderr.ToString());

            Assert.Equal(0, code);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(results));
            Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
            var keys = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()).ToList();
            Assert.Superset(new HashSet<string?>
            {
                "raw.copy", "raw.insert", "ingest.b1", "ingest.b10", "ingest.b100", "ingest.half",
                "otlp.b100", "lag.probe", "lag.catchup", "replay.300", "replay.1200", "stream.5", "rebuild.all",
                "fleet.seed", "search.tool_timeouts", "search.slow_model_by_time", "search.agent_errors", "stats.all", "export.jsonl",
            }, keys.ToHashSet());
            // ADR 0037: the raw baselines and every measured ingest phase start vacuumed: the raw phases (once, after the JIT
            // warm-up, ADR 0035), batches 1, 10, 100, the OTLP phase and its native control.
            Assert.Equal(6, json.RootElement.GetProperty("vacuum_ms").GetArrayLength());
            // The run rebuilt blue/green (rebuild.all), so it made a green and a retired schema beside its own: it drops all three.
            var left = await Database.QueryAsync("select nspname from pg_namespace where nspname = any($1)", r => r.GetString(0),
                (object)new[] { schema, Tracing.Projections.Rebuilds.GreenStore.SchemaFor(schema), Tracing.Projections.Rebuilds.TableSwap.RetiredSchemaFor(schema) });
            Assert.Empty(left);
        }
        finally
        {
            File.Delete(results);
        }
    }
}

/// <summary>Runs the smoke benchmark alone, after the parallel tests, so they do not share its CPU.</summary>
[CollectionDefinition(nameof(BenchSmokeTests), DisableParallelization = true)]
public class BenchSmokeCollection;
