using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Tracing.Tests.Support;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c> package) opened on one URL, with a DevTools connection to that page.
/// Disposing kills the browser's whole process tree and deletes its fresh profile directory.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary><c>TRACING_CHROMIUM</c> overrides the binary; <c>./tracing test</c> installs the default one when missing.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("TRACING_CHROMIUM") is { Length: > 0 } path ? path : DefaultPath;

    private readonly Process _process;
    private readonly string _profile;
    private readonly ConcurrentQueue<string> _output;

    public CdpClient Page { get; private set; } = null!;

    private Chromium(Process process, string profile, ConcurrentQueue<string> output)
    {
        _process = process;
        _profile = profile;
        _output = output;
    }

    /// <summary>The browser's last lines of stdout/stderr, for failure messages.</summary>
    public string OutputTail => string.Join("\n", _output);

    /// <summary>Fails with what to do when there is no browser: a browser test must fail then, never skip.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}, and the browser test needs it. `./tracing test` installs " +
                "Debian's chromium package when it runs as root with apt-get available; otherwise run `apt-get install chromium` " +
                "(or set TRACING_CHROMIUM to a Chromium binary).");
    }

    public static async Task<Chromium> LaunchAsync(string url, TimeSpan timeout)
    {
        RequireInstalled();
        var exe = ExecutablePath;

        using var deadline = new CancellationTokenSource(timeout);
        var profile = Directory.CreateTempSubdirectory("tracing-chromium-").FullName;
        var start = new ProcessStartInfo(exe)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={profile}", "--remote-debugging-port=0", url,
                 })
            start.ArgumentList.Add(arg);

        var output = new ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is null || line.Contains("dbus/", StringComparison.Ordinal)) return; // no system bus in a container: noise
            output.Enqueue(line);
            while (output.Count > 40) output.TryDequeue(out _);
        }

        Process? process = null;
        Chromium? browser = null;
        try
        {
            process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            browser = new Chromium(process, profile, output);

            var port = await browser.DevToolsPortAsync(deadline.Token);
            var page = await browser.PageTargetAsync(port, url, deadline.Token);
            browser.Page = await CdpClient.ConnectAsync(page, deadline.Token);
            return browser;
        }
        catch (Exception ex)
        {
            var tail = string.Join("\n", output);
            if (browser is not null) await browser.DisposeAsync();
            else
            {
                process?.Dispose();
                TryDelete(profile);
            }
            if (ex is OperationCanceledException)
                throw new TimeoutException($"Chromium did not expose its page over DevTools within {timeout}. Output:\n{tail}", ex);
            throw new InvalidOperationException($"Launching Chromium failed: {ex.Message}. Output:\n{tail}", ex);
        }
    }

    /// <summary>--remote-debugging-port=0 picks a free port and writes it to the profile's DevToolsActivePort.</summary>
    private async Task<int> DevToolsPortAsync(CancellationToken ct)
    {
        var file = Path.Combine(_profile, "DevToolsActivePort");
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Chromium exited with code {_process.ExitCode}");
            if (File.Exists(file))
            {
                var lines = await File.ReadAllLinesAsync(file, ct);
                if (lines.Length > 0 && int.TryParse(lines[0], out var port) && port > 0) return port;
            }
            await Task.Delay(25, ct);
        }
    }

    private async Task<Uri> PageTargetAsync(int port, string url, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Chromium exited with code {_process.ExitCode}");
            string list;
            try { list = await http.GetStringAsync("/json/list", ct); }
            catch (HttpRequestException) { await Task.Delay(25, ct); continue; }
            using var targets = JsonDocument.Parse(list);
            var page = targets.RootElement.EnumerateArray()
                .Where(t => t.GetProperty("type").GetString() == "page" && t.TryGetProperty("webSocketDebuggerUrl", out _))
                .OrderByDescending(t => t.GetProperty("url").GetString() == url)
                .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString())
                .FirstOrDefault();
            if (page is not null) return new Uri(page);
            await Task.Delay(25, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Page is not null)
        {
            try { await Page.DisposeAsync(); }
            catch (Exception) { /* the browser is killed next either way */ }
        }
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception) { }
        _process.Dispose();
        TryDelete(_profile);
    }

    /// <summary>Helper processes may still be closing files for a moment after the kill.</summary>
    private static void TryDelete(string dir)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                return;
            }
            catch (IOException) { Thread.Sleep(50); }
            catch (UnauthorizedAccessException) { Thread.Sleep(50); }
        }
    }
}
