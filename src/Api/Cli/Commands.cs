using System.CommandLine;
using System.CommandLine.Help;

namespace Tracing.Api.Cli;

/// <summary>
/// The operator commands ./tracing passes to the API binary (ADR 0026): keys, schema, analysis, projections, token,
/// console-link, each with <c>--help</c>. Parsing, help and errors are System.CommandLine's; long operations show
/// Spectre.Console progress on a terminal.
/// </summary>
public static class Commands
{
    private static readonly string[] Names = ["keys", "schema", "analysis", "projections", "token", "console-link", "--help", "-h", "-?"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Names.Contains(args[0]);

    /// <param name="configure">Extra configuration (tests point the CLI at their database and schema).</param>
    /// <param name="output">Where commands write their results and progress (standard output by default).</param>
    /// <param name="errors">Where errors and usage go (standard error by default).</param>
    public static async Task<int> RunAsync(string[] args, Action<IConfigurationBuilder>? configure = null, TextWriter? output = null,
        TextWriter? errors = null)
    {
        await using var context = new CliContext(configure, output ?? Console.Out, errors ?? Console.Error);
        // A named root (not RootCommand, which takes the binary's name): help and usage say `tracing`, as operators type it.
        var root = new Command("tracing", "Tracing operator commands: run against the database in TRACING_DB (./tracing sets it).")
        {
            new HelpOption(),
            KeysCommand.Build(context),
            SchemaCommand.Build(context),
            AnalysisCommand.Build(context),
            RebuildCommand.Build(context),
            TokenCommand.Build(TokenCommand.DefaultConfiguration, Directory.GetCurrentDirectory()),
            ConsoleLinkCommand.Build(context),
        };
        return await CliRunner.InvokeAsync(root, args, context.Output, context.Errors);
    }
}
