using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Tracing.Bench;

/// <summary>
/// --cpu-profile: samples every CPU of the machine with Linux <c>perf</c> (cpu-clock, call stacks) for each phase, so
/// one table shows where the API and PostgreSQL spend the cores they share (<see cref="CpuCategories"/>). The .NET
/// frames have names only when the runtime writes its perf map (<c>DOTNET_PerfMapEnabled=3</c>, and
/// <c>DOTNET_EnableWriteXorExecute=0</c> so that JIT code is not mapped twice); <c>./tracing bench --cpu-profile</c>
/// sets both. Sampling other processes needs root or <c>perf_event_paranoid</c> at most 0.
/// </summary>
public sealed class CpuProfiler(string directory) : IAsyncDisposable
{
    private const int SamplesPerSecond = 499;
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);
    private Process? _record;
    private Task<string>? _recordErrors;

    /// <summary>The last recording, for <c>perf report -i</c>.</summary>
    public string? LastFile { get; private set; }

    /// <summary>Null when perf can sample every core here, else why not (its own words).</summary>
    public static async Task<string?> UnavailableAsync()
    {
        var probe = Path.Combine(Path.GetTempPath(), $"tracing-bench-perf-probe-{Environment.ProcessId}.data");
        try
        {
            using var p = Start(["record", "-e", "cpu-clock", "-a", "-q", "-o", probe, "--", "true"]);
            var errors = p.StandardError.ReadToEndAsync();
            await WaitAsync(p);
            return p.ExitCode == 0 ? null : $"perf record -a failed ({p.ExitCode}): {(await errors).Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "perf not found (Debian: apt-get install linux-perf): " + e.Message;
        }
        finally
        {
            File.Delete(probe);
        }
    }

    public static bool NamesDotnetFrames => Environment.GetEnvironmentVariable("DOTNET_PerfMapEnabled") is "1" or "3";

    public void Start(string phase)
    {
        Directory.CreateDirectory(directory);
        LastFile = Path.Combine(directory, $"perf-{phase}.data"); // the next run overwrites it
        _record = Start(["record", "-e", "cpu-clock", "-F", SamplesPerSecond.ToString(CultureInfo.InvariantCulture), "-a", "-g", "-q", "-o", LastFile]);
        _recordErrors = _record.StandardError.ReadToEndAsync();
    }

    /// <summary>Stops the recording (SIGINT, so perf writes its file) and sorts the samples of this process and PostgreSQL.</summary>
    public async Task<List<CpuShare>> StopAsync()
    {
        if (_record is null || LastFile is null) return [];
        using (var record = _record)
        {
            _record = null;
            if (record.HasExited) throw new BenchAbort($"perf record ended early: {(await _recordErrors!).Trim()}");
            if (kill(record.Id, SigInt) != 0) throw new BenchAbort($"could not stop perf record (errno {Marshal.GetLastPInvokeError()})");
            await WaitAsync(record);
        }

        using var script = Start(["script", "-F", "comm,pid,ip,sym", "-i", LastFile]);
        var errors = script.StandardError.ReadToEndAsync();
        var shares = CpuCategories.Summarise(CpuCategories.Parse(Lines(script.StandardOutput)), Environment.ProcessId);
        await WaitAsync(script);
        if (script.ExitCode != 0) throw new BenchAbort($"perf script failed ({script.ExitCode}): {(await errors).Trim()}");
        return shares;
    }

    /// <summary>A recording still running when the bench ends early (a failed phase) is stopped, never left sampling.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_record is not { } record) return;
        _record = null;
        using (record)
        {
            if (record.HasExited) return;
            kill(record.Id, SigInt);
            await WaitAsync(record);
        }
    }

    private static Process Start(string[] args) =>
        Process.Start(new ProcessStartInfo("perf", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
        ?? throw new BenchAbort("could not start perf");

    /// <summary>Waits for perf to exit; one that does not within <see cref="ExitWait"/> is killed.</summary>
    private static async Task WaitAsync(Process p)
    {
        using var timeout = new CancellationTokenSource(ExitWait);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new BenchAbort($"perf did not exit within {ExitWait.TotalSeconds:0} s; killed");
        }
    }

    private static IEnumerable<string> Lines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line) yield return line;
    }

    private const int SigInt = 2;

    // DllImport rather than LibraryImport: the generated stub needs unsafe code, which nothing else in the bench does.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
