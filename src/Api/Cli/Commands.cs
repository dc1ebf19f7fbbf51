using System.Text.RegularExpressions;
using Marten;
using Tracing.Api.Access;
using Tracing.Api.ConsoleHost;
using Tracing.Domain.Access;
using Tracing.Projections;
using Tracing.Workers;
using Tracing.Workers.Analysis;

using Tracing.Workers.Hosting;

namespace Tracing.Api.Cli;

/// <summary>Operator commands run by ./tracing: keys create|revoke, schema apply.</summary>
public static partial class Commands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "keys" or "schema" or "analysis" or "projections" or "token" or "console-link";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidName();

    /// <param name="configure">Extra configuration (tests point the CLI at their database and schema).</param>
    /// <param name="output">Where commands that report progress write (standard output by default).</param>
    public static async Task<int> RunAsync(string[] args, Action<IConfigurationBuilder>? configure = null, TextWriter? output = null)
    {
        if (args[0] == "token") return TokenCommand.Run(args[1..]); // needs no database
        var builder = Host.CreateApplicationBuilder();
        configure?.Invoke(builder.Configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // stdout carries only the command's result (README: `keys create ... | tail -1` is the key): logs go to stderr.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddTracingStore(TracingSettings.Store(builder.Configuration, runDaemon: false));
        builder.Services.AddSingleton<KeyIssuer>();
        builder.Services.AddTracingAnalysis(builder.Configuration);
        builder.Services.AddSingleton<ConsoleSignIns>();
        using var host = builder.Build();
        var stdout = Console.Out;
        Console.SetOut(Console.Error); // Marten prints start-up notices (daemon disabled) with Console.WriteLine
        try { await host.StartAsync(); } // applies the schema
        finally { Console.SetOut(stdout); }
        try
        {
            return args switch
            {
                ["schema", "apply"] => Done("schema applied"),
                ["keys", "create", .. var rest] => await CreateKey(host.Services.GetRequiredService<KeyIssuer>(), rest),
                ["keys", "revoke", var id] => await Revoke(host.Services.GetRequiredService<KeyIssuer>(), id),
                ["analysis", "rerun", .. var rest] => await Rerun(host.Services.GetRequiredService<AnalysisRerun>(), rest),
                ["projections", "rebuild", .. var rest] => await RebuildCommand.RunAsync(host.Services, builder.Configuration, rest, output ?? Console.Out),
                ["console-link", .. var rest] => await ConsoleLinkCommand.RunAsync(host.Services.GetRequiredService<ConsoleSignIns>(), builder.Configuration, rest),
                _ => Usage(),
            };
        }
        finally { await host.StopAsync(); }
    }

    private static async Task<int> CreateKey(KeyIssuer issuer, string[] rest)
    {
        var opts = Options(rest);
        if (!opts.TryGetValue("--workspace", out var ws) || !opts.TryGetValue("--project", out var project) ||
            !ValidName().IsMatch(ws) || !ValidName().IsMatch(project))
            return Usage();
        var scopes = opts.TryGetValue("--scopes", out var s) ? s.Split(',', StringSplitOptions.RemoveEmptyEntries) : ApiKeyFormat.DefaultScopes;
        if (scopes.Length == 0 || !scopes.All(Scopes.KeyScopes.Contains)) return Usage();
        var issued = await issuer.CreateAsync(ws, project, opts.GetValueOrDefault("--name", "cli"), scopes, CancellationToken.None);
        Console.WriteLine($"key id: {issued.Record.Id}  workspace: {ws}  project: {project}  scopes: {string.Join(",", scopes)}");
        Console.WriteLine("The key is shown once; store it now:");
        Console.WriteLine(issued.Token);
        return 0;
    }

    private static async Task<int> Revoke(KeyIssuer issuer, string id)
    {
        if (!await issuer.RevokeAsync(id, CancellationToken.None)) { Console.Error.WriteLine($"no key {id}"); return 1; }
        return Done($"revoked {id}");
    }

    private static async Task<int> Rerun(AnalysisRerun rerun, string[] rest)
    {
        var opts = Options(rest);
        DateTimeOffset? since = null;
        if (opts.TryGetValue("--since", out var s))
        {
            if (!DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)) return Usage();
            since = parsed;
        }
        var report = await rerun.RunAsync(new RerunScope(opts.GetValueOrDefault("--workspace"), opts.GetValueOrDefault("--project"), since),
            CancellationToken.None);
        Console.WriteLine($"re-analysed {report.Sessions} sessions with {report.DetectorVersion}: {report.Recorded} new results, " +
                          $"{report.Elapsed.TotalSeconds:F1} s ({report.SessionsPerSecond:F1} sessions/s)");
        return 0;
    }

    private static Dictionary<string, string> Options(string[] rest)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < rest.Length; i += 2) d[rest[i]] = rest[i + 1];
        return d;
    }

    private static int Done(string message) { Console.WriteLine(message); return 0; }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: keys create --workspace W --project P [--name N] [--scopes traces:read,traces:write]\n" +
                                "       keys revoke KEY_ID\n       schema apply\n" +
                                "       analysis rerun [--workspace W] [--project P] [--since ISO-TIME]\n       projections rebuild [--projection NAME]...\n" +
                                "       token --workspace W [--role admin|member|viewer] [--ttl MINUTES] [--sub S]   (development only)\n" +
                                "       console-link --workspace W [--role admin|member|viewer] [--sub S] [--url BASE]");
        return 2;
    }
}
