using Tracing.Api.ConsoleHost;
using Tracing.Domain.Access;

namespace Tracing.Api.Cli;

/// <summary>
/// <c>./tracing console-link --workspace W [--role R] [--sub S] [--url BASE]</c>: a one-time console sign-in link (15 min,
/// one use), alone on the last line. The server redeeming it mints the console JWT with its own secret (ADR 0018).
/// </summary>
public static class ConsoleLinkCommand
{
    public static async Task<int> RunAsync(ConsoleSignIns links, IConfiguration config, string[] rest)
    {
        var opts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < rest.Length; i += 2) opts[rest[i]] = rest[i + 1];
        var role = opts.GetValueOrDefault("--role", Roles.Member);
        var subject = opts.GetValueOrDefault("--sub", "console-user");
        var url = opts.GetValueOrDefault("--url") ?? FirstUrl(config["ASPNETCORE_URLS"] ?? Environment.GetEnvironmentVariable("TRACING_URLS"));
        if (!opts.TryGetValue("--workspace", out var workspace) || !Membership.IsValidName(workspace) || !Roles.IsKnown(role) ||
            !Membership.IsValidName(subject) || !Uri.TryCreate(url, UriKind.Absolute, out var baseAddress))
        {
            Console.Error.WriteLine("usage: console-link --workspace W [--role admin|member|viewer] [--sub SUBJECT] [--url BASE]");
            return 2;
        }
        var code = await links.IssueAsync(workspace, role, subject, ConsoleSignIns.DefaultLifetime, CancellationToken.None);
        Console.WriteLine($"workspace: {workspace}  role: {role}  user: {subject}  one use, valid {ConsoleSignIns.DefaultLifetime.TotalMinutes:0} min:");
        Console.WriteLine(ConsoleSignIns.Link(baseAddress, code));
        return 0;
    }

    private static string FirstUrl(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "http://127.0.0.1:4318";
}
