using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace Tracing.Api.Cli;

/// <summary>
/// Parses and runs a System.CommandLine command (ADR 0026). Exit codes: 0 done, 1 the operation failed (an unknown key, a
/// failed rebuild), 2 the command line was wrong: each error on its own line, then the command's usage, on stderr.
/// <c>--help</c> on any command prints its help on stdout.
/// </summary>
public static class CliRunner
{
    public const int Ok = 0, Failed = 1, UsageError = 2;

    public static async Task<int> InvokeAsync(Command command, IReadOnlyList<string> args, TextWriter output, TextWriter errors,
        CancellationToken ct = default)
    {
        var result = command.Parse(args);
        if (result.Action is not HelpAction && result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) errors.WriteLine($"error: {error.Message}");
            errors.WriteLine($"usage: {Usage(result.CommandResult)}");
            errors.WriteLine($"Run '{Path(result.CommandResult)} --help' for more.");
            return UsageError;
        }
        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors }, ct);
    }

    /// <summary>One line: the command path, required options, [optional ones], &lt;arguments&gt;, subcommands.</summary>
    public static string Usage(CommandResult at)
    {
        var command = at.Command;
        var parts = new List<string> { Path(at) };
        if (command.Subcommands.Count > 0) parts.Add("<" + string.Join("|", command.Subcommands.Select(c => c.Name)) + ">");
        parts.AddRange(command.Arguments.Select(a => $"<{a.HelpName ?? a.Name}>"));
        foreach (var o in command.Options.Where(o => o is not HelpOption && !o.Hidden))
        {
            var text = o.ValueType == typeof(bool) ? o.Name : $"{o.Name} <{o.HelpName ?? o.Name.TrimStart('-').ToUpperInvariant()}>";
            parts.Add(o.Required ? text : $"[{text}]");
        }
        return string.Join(' ', parts);
    }

    private static string Path(CommandResult at)
    {
        var names = new Stack<string>();
        for (SymbolResult? r = at; r is CommandResult c; r = c.Parent)
            if (c.Command is not RootCommand) names.Push(c.Command.Name);
        return names.TryPeek(out var top) && top == "tracing" ? string.Join(' ', names) : string.Join(' ', names.Prepend("tracing"));
    }
}
