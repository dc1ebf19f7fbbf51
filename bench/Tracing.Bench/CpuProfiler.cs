using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tracing.Bench;

/// <summary>
/// --cpu-profile: samples every CPU of the machine with Linux <c>perf</c> (cpu-clock, call stacks) for each phase, so
/// one table shows where the API and PostgreSQL spend the cores they share (<see cref="CpuCategories"/>). The .NET
/// frames have names only when the runtime writes its perf map (<c>DOTNET_PerfMapEnabled=1</c>, and
/// <c>DOTNET_EnableWriteXorExecute=0</c> so that JIT code is not mapped twice); <c>./tracing bench --cpu-profile</c>
/// sets both. Needs root or <c>perf_event_paranoid</c> at most 0 for the other processes' samples.
/// </summary>
public sealed class CpuProfiler(string directory)
{
    private const int SamplesPerSecond = 499;
    private Process? _record;
    private string? _path;

    /// <summary>Null when perf runs here, else why not.</summary>
    public static async Task<string?> UnavailableAsync()
    {
        try
        {
            var (code, _) = await RunAsync("perf", ["--version"]);
            return code == 0 ? null : "perf --version failed";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "perf not found (Debian: apt-get install linux-perf): " + e.Message;
        }
    }

    public static bool NamesDotnetFrames =>
        Environment.GetEnvironmentVariable("DOTNET_PerfMapEnabled") is "1" or "2" or "3";

    public void Start(string phase)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, $"perf-{phase}.data"); // the next run overwrites it
        _record = Process.Start(new ProcessStartInfo("perf",
            ["record", "-e", "cpu-clock", "-F", SamplesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", "-g", "-q", "-o", _path])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new BenchAbort("could not start perf record");
    }

    /// <summary>The last recording, for <c>perf report -i</c>.</summary>
    public string? LastFile => _path;

    /// <summary>Stops the recording (SIGINT, so perf writes its file) and sorts the samples.</summary>
    public async Task<List<CpuShare>> StopAsync()
    {
        if (_record is null || _path is null) return [];
        var record = _record;
        _record = null;
        if (kill(record.Id, SigInt) != 0) throw new BenchAbort("could not stop perf record");
        await record.WaitForExitAsync();
        var script = Process.Start(new ProcessStartInfo("perf", ["script", "-F", "comm,ip,sym", "-i", _path])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new BenchAbort("could not start perf script");
        _ = script.StandardError.ReadToEndAsync();
        var shares = CpuCategories.Summarise(CpuCategories.Parse(Lines(script.StandardOutput)));
        await script.WaitForExitAsync();
        return shares;
    }

    private static IEnumerable<string> Lines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static async Task<(int, string)> RunAsync(string file, string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, text);
    }

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
