using System.CommandLine;
using Tracing.Api.ConsoleHost;
using Tracing.Domain.Access;

namespace Tracing.Api.Cli;

/// <summary>
/// <c>./tracing console-link --workspace W [--role R] [--sub S] [--url BASE]</c>: a one-time console sign-in link (15 min,
/// one use), alone on the last line. The server redeeming it mints the console JWT with its own secret (ADR 0018).
/// </summary>
public static class ConsoleLinkCommand
{
    public static Command Build(CliContext context)
    {
        var workspace = CliOptions.Name("--workspace", "the workspace the user signs in to");
        var role = CliOptions.Role(Roles.Member);
        var subject = CliOptions.Name("--sub", "the user id (subject)", required: false, defaultValue: "console-user");
        var url = new Option<Uri?>("--url")
        {
            Description = "the console's base address (default: the first of ASPNETCORE_URLS / TRACING_URLS, else http://127.0.0.1:4318)",
            HelpName = "BASE",
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
                r.AddError($"--url '{text}' is not an absolute http(s) address");
                return null;
            },
        };
        var command = new Command("console-link", "Print a one-time web console sign-in link (15 min, one use).") { workspace, role, subject, url };
        command.SetAction(async (parse, ct) =>
        {
            var links = (await context.ServicesAsync()).GetRequiredService<ConsoleSignIns>();
            var baseAddress = parse.GetValue(url) ?? new Uri(FirstUrl(context.Configuration["ASPNETCORE_URLS"] ?? Environment.GetEnvironmentVariable("TRACING_URLS")));
            var (ws, r, sub) = (parse.GetValue(workspace)!, parse.GetValue(role)!, parse.GetValue(subject)!);
            var code = await links.IssueAsync(ws, r, sub, ConsoleSignIns.DefaultLifetime, ct);
            context.Output.WriteLine($"workspace: {ws}  role: {r}  user: {sub}  one use, valid {ConsoleSignIns.DefaultLifetime.TotalMinutes:0} min:");
            context.Output.WriteLine(ConsoleSignIns.Link(baseAddress, code));
            return CliRunner.Ok;
        });
        return command;
    }

    private static string FirstUrl(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "http://127.0.0.1:4318";
}
