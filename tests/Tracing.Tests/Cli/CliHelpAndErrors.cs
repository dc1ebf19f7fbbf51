using Tracing.Api.Cli;
using Xunit;

namespace Tracing.Tests.Cli;

/// <summary>
/// The operator CLI's parsing (ADR 0026): --help on every command, precise errors and exit codes. None of these touch
/// the database (the store host is built on first use, and a help or a refused command line never gets that far).
/// </summary>
public sealed class CliHelpAndErrors
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        // A database that does not exist: a command that connected would fail instead of answering.
        var exit = await Commands.RunAsync(args, c => c.Sources.Clear(), output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [Theory]
    [InlineData("tracing", "keys", "analysis", "projections", "console-link")]
    [InlineData("tracing keys", "create", "revoke")]
    [InlineData("tracing keys create", "--workspace", "--project", "--scopes")]
    [InlineData("tracing keys revoke", "<key_id>")]
    [InlineData("tracing schema apply")]
    [InlineData("tracing analysis rerun", "--workspace", "--project", "--since")]
    [InlineData("tracing projections rebuild", "--projection")]
    [InlineData("tracing token", "--workspace", "--role", "--ttl", "--sub")]
    [InlineData("tracing console-link", "--workspace", "--role", "--sub", "--url")]
    public async Task every_command_has_help_naming_its_options(string command, params string[] mentions)
    {
        var (exit, output, errors) = await RunAsync([.. command.Split(' ').Skip(1), "--help"]);
        Assert.Equal(0, exit);
        Assert.Equal("", errors);
        Assert.Contains($"Usage:\n  {command}", output.ReplaceLineEndings("\n"));
        foreach (var m in mentions) Assert.Contains(m, output);
    }

    [Theory]
    [InlineData(new[] { "keys", "create", "--workspace", "bad name!", "--project", "p" },
        "error: --workspace 'bad name!' is not a valid name: 1-64 characters of A-Z a-z 0-9 . _ -",
        "usage: tracing keys create --workspace <WORKSPACE> --project <PROJECT> [--name <NAME>] [--scopes <SCOPES>]")]
    [InlineData(new[] { "keys", "create", "--workspace", "w", "--project", "p", "--scopes", "traces:read,admin" },
        "error: --scopes: unknown scope 'admin' (known: traces:read, traces:read_raw, traces:write)", "usage: tracing keys create")]
    [InlineData(new[] { "keys", "create", "--project", "p" }, "error: Option '--workspace' is required.", "usage: tracing keys create")]
    [InlineData(new[] { "keys", "revoke" }, "error: Required argument missing for command: 'revoke'.", "usage: tracing keys revoke <key_id>")]
    [InlineData(new[] { "keys", "rotate" }, "error: Unrecognized command or argument 'rotate'.", "usage: tracing keys <create|revoke>")]
    [InlineData(new[] { "analysis", "rerun", "--since", "yesterday" },
        "error: --since 'yesterday' is not an ISO 8601 time (e.g. 2026-11-27T10:00:00Z)", "usage: tracing analysis rerun")]
    [InlineData(new[] { "token", "--workspace", "w", "--ttl", "0" }, "error: --ttl 0 is out of range: 1-10080 minutes", "usage: tracing token")]
    [InlineData(new[] { "console-link", "--workspace", "w", "--url", "ftp://x" }, "error: --url 'ftp://x' is not an absolute http(s) address",
        "usage: tracing console-link")]
    public async Task a_wrong_command_line_exits_2_with_each_error_and_the_usage_on_stderr(string[] args, string error, string usage)
    {
        var (exit, output, errors) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var lines = errors.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains(error, lines);
        Assert.Contains(lines, l => l.StartsWith(usage, StringComparison.Ordinal));
    }
}
