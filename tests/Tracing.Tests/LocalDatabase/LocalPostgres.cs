using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Tracing.Tests.LocalDatabase;

/// <summary>
/// <c>./tracing db start</c> on a fresh checkout and on a cluster left by an older checkout (trust authentication, the
/// superuser as the application): run from a copy of the script in a temp folder, on a free port, so the suite's own
/// cluster is never touched. Both end with SCRAM passwords in mode-0600 files and the application as a non-superuser
/// role that owns the database and its schemas.
/// </summary>
public sealed class LocalPostgres
{
    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "tracing")) && File.Exists(Path.Combine(d.FullName, "Tracing.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    private sealed class Checkout : IAsyncDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("tracing-pgtest-").FullName;
        public int Port { get; } = FreePort();
        public string State => Path.Combine(Root, ".tracing");

        public Checkout()
        {
            File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                       UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            File.Copy(Path.Combine(RepoRoot(), "tracing"), Path.Combine(Root, "tracing"));
        }

        public Task<(int Code, string Output)> RunAsync(params string[] args) => Run("bash", [Path.Combine(Root, "tracing"), .. args],
            new Dictionary<string, string> { ["TRACING_PG_PORT"] = Port.ToString(), ["TRACING_DB"] = "" });

        public string Password(string file) => File.ReadAllText(Path.Combine(State, file));

        public async ValueTask DisposeAsync()
        {
            await RunAsync("db", "stop");
            Directory.Delete(Root, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> Run(string file, string[] args, Dictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? []) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<T> QueryAsync<T>(Checkout c, string user, string? password, string database, string sql)
    {
        var cs = $"Host=127.0.0.1;Port={c.Port};Username={user};Database={database};Pooling=false" + (password is null ? "" : $";Password={password}");
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task AssertSecuredAsync(Checkout c)
    {
        foreach (var file in new[] { "pg-superuser-password", "pg-app-password" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(c.State, file)));
            Assert.Equal(32, c.Password(file).Length);
        }
        // No password, or a wrong one: refused, for the superuser and the application alike.
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => QueryAsync<int>(c, "postgres", null, "postgres", "select 1"));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => QueryAsync<int>(c, "tracing", "wrong", "tracing", "select 1"));
        Assert.Equal(1, await QueryAsync<int>(c, "postgres", c.Password("pg-superuser-password"), "postgres", "select 1"));

        var app = c.Password("pg-app-password");
        Assert.False(await QueryAsync<bool>(c, "tracing", app, "tracing", "select rolsuper from pg_roles where rolname = current_user"));
        Assert.Equal("tracing", await QueryAsync<string>(c, "tracing", app, "tracing",
            "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"));
        var (_, status) = await c.RunAsync("db", "status");
        Assert.DoesNotContain(app, status);
        Assert.Contains("Username=tracing", status);
    }

    [Fact]
    public async Task a_fresh_cluster_has_scram_passwords_and_a_non_superuser_application_role()
    {
        await using var c = new Checkout();
        var (code, output) = await c.RunAsync("db", "start");
        Assert.True(code == 0, output);
        Assert.DoesNotContain(c.Password("pg-app-password"), output);
        await AssertSecuredAsync(c);
        Assert.Contains("scram-sha-256", File.ReadAllText(Path.Combine(c.State, "pg", "data", "pg_hba.conf")));
        // Write-heavy settings (ADR 0036): checkpoints spread, full-page images compressed.
        var su = c.Password("pg-superuser-password");
        Assert.Equal("4GB", await QueryAsync<string>(c, "postgres", su, "postgres", "show max_wal_size"));
        Assert.Equal("15min", await QueryAsync<string>(c, "postgres", su, "postgres", "show checkpoint_timeout"));
        Assert.NotEqual("off", await QueryAsync<string>(c, "postgres", su, "postgres", "show wal_compression"));
    }

    [Fact]
    public async Task a_trust_cluster_from_an_older_checkout_is_secured_on_start_and_its_schemas_pass_to_the_application()
    {
        await using var c = new Checkout();
        // Turn it into what the older script left: trust authentication, no application role, the database and its
        // schemas owned by the superuser (the application connected as postgres then), no password files.
        var (code, output) = await c.RunAsync("db", "start");
        Assert.True(code == 0, output);
        await QueryAsync<int>(c, "postgres", c.Password("pg-superuser-password"), "tracing",
            "create schema legacy; create table legacy.t (id serial primary key); " +
            "create function legacy.f() returns int language sql as 'select 1'; " +
            "alter database tracing owner to postgres; reassign owned by tracing to postgres; drop role tracing; select 1");
        await c.RunAsync("db", "stop");
        var hba = Path.Combine(c.State, "pg", "data", "pg_hba.conf");
        File.WriteAllText(hba, File.ReadAllText(hba).Replace("scram-sha-256", "trust"));
        File.Delete(Path.Combine(c.State, "pg-superuser-password"));
        File.Delete(Path.Combine(c.State, "pg-app-password"));

        (code, output) = await c.RunAsync("db", "start");
        Assert.True(code == 0, output);
        await AssertSecuredAsync(c);
        var app = c.Password("pg-app-password");
        Assert.Equal("tracing", await QueryAsync<string>(c, "tracing", app, "tracing", "select pg_get_userbyid(nspowner) from pg_namespace where nspname = 'legacy'"));
        Assert.Equal("tracing", await QueryAsync<string>(c, "tracing", app, "tracing", "select pg_get_userbyid(relowner) from pg_class where oid = 'legacy.t'::regclass"));
        Assert.Equal(1, await QueryAsync<int>(c, "tracing", app, "tracing", "insert into legacy.t default values; select legacy.f()"));
        Assert.Equal(0, await QueryAsync<int>(c, "tracing", app, "tracing", "drop schema legacy cascade; select 0"));
    }

    [Fact]
    public async Task a_fallback_directory_someone_else_made_is_refused()
    {
        if (Environment.UserName != "root") return; // the predictable fallback paths are only used when root runs the script
        await using var c = new Checkout();
        // The cluster's folder exists already, made by another user (here: root) and world-writable.
        var planted = Path.Combine(c.State, "pg");
        Directory.CreateDirectory(planted);
        File.SetUnixFileMode(planted, (UnixFileMode)0b111_111_111);
        var (code, output) = await c.RunAsync("db", "start");
        Assert.NotEqual(0, code);
        Assert.Contains("remove it", output);
    }

    [Fact]
    public void compose_has_no_default_password_runs_the_app_as_its_own_role_and_publishes_on_loopback()
    {
        var compose = File.ReadAllText(Path.Combine(RepoRoot(), "docker-compose.yml"));
        Assert.DoesNotContain("Password=postgres", compose);
        Assert.DoesNotContain("POSTGRES_PASSWORD: postgres", compose);
        Assert.Contains("POSTGRES_PASSWORD: \"${TRACING_PG_PASSWORD:?", compose); // compose refuses to start without it
        Assert.Contains("max_wal_size=4GB", compose); // the write-heavy settings of ADR 0036, as the local cluster has them
        Assert.DoesNotContain("Username=postgres", compose);
        Assert.Equal(2, compose.Split("Username=tracing;Password=${TRACING_APP_DB_PASSWORD:?").Length - 1);
        Assert.Contains("\"${TRACING_API_BIND:-127.0.0.1}:", compose);
        Assert.Contains("/health/ready", compose);
        var init = File.ReadAllText(Path.Combine(RepoRoot(), "build", "compose", "initdb", "10-app-role.sh"));
        Assert.Contains("nosuperuser", init);
        Assert.Contains("owner to tracing", init);
    }
}
