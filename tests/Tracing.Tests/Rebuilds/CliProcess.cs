using System.Diagnostics;
using Tracing.Tests.Support;

namespace Tracing.Tests.Rebuilds;

/// <summary>Runs the built API binary in CLI mode as its own process (what ./tracing does), against the test database.</summary>
public static class CliProcess
{
    public static async Task<(int Exit, string Output)> RunAsync(string schema, params string[] args)
    {
        var dll = Path.Combine(typeof(Tracing.Api.TracingApp).Assembly.Location);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TRACING_DB"] = AppFixture.ConnectionString;
        start.Environment["Tracing__Schema"] = schema;
        start.Environment["Tracing__DaemonLockId"] = RebuildNodes.LockIdFor(schema).ToString();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
