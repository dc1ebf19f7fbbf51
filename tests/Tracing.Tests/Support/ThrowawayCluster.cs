using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tracing.Tests.Support;

/// <summary>
/// A PostgreSQL cluster of one test's own: initdb into a fresh temp folder, a free loopback port, run as the
/// <c>postgres</c> OS user when the tests run as root (PostgreSQL refuses root), the way <c>./tracing</c> runs its own.
/// A fault test stops and starts this one, never the shared cluster the rest of the suite runs on in parallel.
/// </summary>
public sealed class ThrowawayCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;
    private readonly string? _runAs;

    private ThrowawayCluster(string bin, string dir, int port, string? runAs)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
        _runAs = runAs;
    }

    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=10";
    private string Data => Path.Combine(_dir, "data");

    public static async Task<ThrowawayCluster> CreateAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin");
        var root = Environment.UserName == "root";
        // CreateTempSubdirectory makes a fresh, unpredictable folder with mode 0700 (no pre-created path to hijack).
        var dir = Directory.CreateTempSubdirectory("tracing-fault-").FullName;
        if (root) await RunAsync("chown", null, "postgres:", dir);
        var cluster = new ThrowawayCluster(bin, dir, FreePort(), root ? "postgres" : null);
        await cluster.PgAsync("initdb", "-D", cluster.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C");
        await cluster.StartAsync();
        return cluster;
    }

    public Task StartAsync() => PgAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_dir, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    public Task StopAsync() => PgAsync("pg_ctl", "-D", Data, "-m", "fast", "-w", "-t", "60", "stop");

    public async ValueTask DisposeAsync()
    {
        try { await PgAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
        Directory.Delete(_dir, recursive: true);
    }

    private Task PgAsync(string tool, params string[] args) => RunAsync(Path.Combine(_bin, tool), _runAs, args);

    private static async Task RunAsync(string file, string? runAs, params string[] args)
    {
        var psi = new ProcessStartInfo(runAs is null ? file : "runuser")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/",
        };
        if (runAs is not null) foreach (var a in new[] { "-u", runAs, "--", file }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited {p.ExitCode}: {await stderr}{await stdout}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
