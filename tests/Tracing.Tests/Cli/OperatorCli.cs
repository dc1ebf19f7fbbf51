using System.Diagnostics;
using System.Text.RegularExpressions;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Cli;

/// <summary>
/// The operator commands run as ./tracing runs them: the API assembly started as a separate process in CLI mode on
/// the test database and schema, judged by exit code, output and what the running API then does.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class OperatorCli(AppFixture app)
{
    private sealed record Run(int ExitCode, string Out, string Err);

    private static async Task<Run> CliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tracing.Api.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TRACING_DB"] = AppFixture.ConnectionString;
        start.Environment["Tracing__Schema"] = AppFixture.Schema;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"^key id: (\S+)  workspace: (\S+)  project: (\S+)  scopes: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [Fact]
    public async Task keys_create_prints_a_working_key_once_and_keys_revoke_turns_it_off()
    {
        var workspace = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var created = await CliAsync("keys", "create", "--workspace", workspace, "--project", "cli", "--name", "from-cli");
        Assert.True(created.ExitCode == 0, created.Err);
        var line = KeyLine().Match(created.Out);
        Assert.True(line.Success, created.Out);
        Assert.Equal(workspace, line.Groups[2].Value);
        Assert.Equal("cli", line.Groups[3].Value);
        var keyId = line.Groups[1].Value;
        // stdout is the result and nothing else, the key alone on the last line (README: `| tail -1`); logs go to stderr.
        var lines = created.Out.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("The key is shown once; store it now:", lines[1]);
        var token = lines[2];
        Assert.Matches("^trk_[0-9a-f]{12}_[A-Za-z0-9_-]+$", token);

        // The printed key works against the running API, for that workspace and project.
        var client = new TestClient(app.Host, token, workspace, "cli", keyId);
        Assert.Equal(201, (await client.Post("/api/traces", new { id = "from-cli" })).Status);
        var stored = await Database.QueryAsync($"select count(*) from {AppFixture.Schema}.mt_doc_apikey where id = $1 and data::text like '%from-cli%'",
            r => r.GetInt64(0), keyId);
        Assert.Equal(1, stored[0]);
        Assert.DoesNotContain(token, (await Database.QueryAsync($"select data::text from {AppFixture.Schema}.mt_doc_apikey where id = $1",
            r => r.GetString(0), keyId))[0]);

        // A second key, never used (so no node has it cached), revoked through the CLI: refused at once.
        var second = await CliAsync("keys", "create", "--workspace", workspace, "--project", "cli");
        var secondId = KeyLine().Match(second.Out).Groups[1].Value;
        var secondToken = second.Out.TrimEnd().Split('\n')[^1].Trim();
        var revoked = await CliAsync("keys", "revoke", secondId);
        Assert.True(revoked.ExitCode == 0, revoked.Err);
        Assert.Contains($"revoked {secondId}", revoked.Out);
        Assert.Equal(401, (await new TestClient(app.Host, secondToken, workspace, "cli", secondId).Get("/api/sessions")).Status);

        var unknown = await CliAsync("keys", "revoke", "key_does_not_exist");
        Assert.Equal(1, unknown.ExitCode);
        var usage = await CliAsync("keys", "create", "--workspace", "bad name!", "--project", "cli");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("usage:", usage.Err);
    }

    [Fact]
    public async Task analysis_rerun_records_results_for_the_sessions_in_scope_only()
    {
        var client = await app.NewClientAsync();
        var other = await app.NewClientAsync();
        var session = await client.CreateSession();
        Assert.Equal(200, (await client.Append(session, ToolFailure())).Status);
        var untouched = await other.CreateSession();
        Assert.Equal(200, (await other.Append(untouched, ToolFailure())).Status);

        var run = await CliAsync("analysis", "rerun", "--workspace", client.Workspace, "--project", client.Project);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Matches(@"^re-analysed 1 sessions with detectors@\S+: 1 new results, [^\n]*\n?$", run.Out);

        await app.WaitForProjectionsAsync();
        var analysis = await client.Get($"/api/traces/{session}/analysis");
        Assert.Equal(200, analysis.Status);
        Assert.Contains(analysis.Body.GetProperty("findings").EnumerateArray(), f => f.GetProperty("detector").GetString() == "tool_error");
        Assert.Equal(404, (await other.Get($"/api/traces/{untouched}/analysis")).Status);

        // Nothing changed since: a second rerun records nothing new.
        var again = await CliAsync("analysis", "rerun", "--workspace", client.Workspace, "--project", client.Project);
        Assert.Matches(@"^re-analysed 1 sessions with detectors@\S+: 0 new results, ", again.Out);
    }
}
