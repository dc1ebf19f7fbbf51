using System.CommandLine;

namespace Tracing.Api.Cli;

/// <summary><c>schema apply</c>: creates or migrates the store's tables (what every node does at start-up).</summary>
public static class SchemaCommand
{
    public static Command Build(CliContext context)
    {
        var apply = new Command("apply", "Create or update the database schema, then exit.");
        apply.SetAction(async (_, _) =>
        {
            await context.ServicesAsync(); // starting the store applies the schema
            context.Output.WriteLine("schema applied");
            return CliRunner.Ok;
        });
        return new Command("schema", "The database schema.") { apply };
    }
}
