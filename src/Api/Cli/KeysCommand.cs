using System.CommandLine;
using Tracing.Api.Access;
using Tracing.Domain.Access;

namespace Tracing.Api.Cli;

/// <summary><c>keys create</c> (the key is printed once, alone on the last line) and <c>keys revoke</c>.</summary>
public static class KeysCommand
{
    public static Command Build(CliContext context) => new("keys", "Issue and revoke project API keys.")
    {
        Create(context), Revoke(context),
    };

    private static Command Create(CliContext context)
    {
        var workspace = CliOptions.Name("--workspace", "the workspace (created on first use)");
        var project = CliOptions.Name("--project", "the project (created on first use)");
        var name = new Option<string>("--name") { Description = "a label for the key", DefaultValueFactory = _ => "cli" };
        var scopes = new Option<string>("--scopes")
        {
            Description = "comma-separated: " + string.Join(", ", Scopes.KeyScopes.Order(StringComparer.Ordinal)),
            DefaultValueFactory = _ => string.Join(",", ApiKeyFormat.DefaultScopes),
        };
        scopes.Validators.Add(r =>
        {
            var list = Split(r.GetValueOrDefault<string>());
            if (list.Length == 0) r.AddError("--scopes names no scope");
            foreach (var unknown in list.Where(s => !Scopes.KeyScopes.Contains(s)))
                r.AddError($"--scopes: unknown scope '{unknown}' (known: {string.Join(", ", Scopes.KeyScopes.Order(StringComparer.Ordinal))})");
        });
        var command = new Command("create", "Create an API key; it is shown once, alone on the last line.") { workspace, project, name, scopes };
        command.SetAction(async (parse, ct) =>
        {
            var issuer = (await context.ServicesAsync()).GetRequiredService<KeyIssuer>();
            var (ws, p, granted) = (parse.GetValue(workspace)!, parse.GetValue(project)!, Split(parse.GetValue(scopes)));
            var issued = await issuer.CreateAsync(ws, p, parse.GetValue(name)!, granted, ct);
            context.Output.WriteLine($"key id: {issued.Record.Id}  workspace: {ws}  project: {p}  scopes: {string.Join(",", granted)}");
            context.Output.WriteLine("The key is shown once; store it now:");
            context.Output.WriteLine(issued.Token);
            return CliRunner.Ok;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<string>("key_id") { Description = "the key's id (key id: ... when created)" };
        var command = new Command("revoke", "Revoke a key; every node refuses it within 10 s.") { id };
        command.SetAction(async (parse, ct) =>
        {
            var keyId = parse.GetValue(id)!;
            if (!await (await context.ServicesAsync()).GetRequiredService<KeyIssuer>().RevokeAsync(keyId, ct))
            {
                context.Errors.WriteLine($"no key {keyId}");
                return CliRunner.Failed;
            }
            context.Output.WriteLine($"revoked {keyId}");
            return CliRunner.Ok;
        });
        return command;
    }

    private static string[] Split(string? scopes) =>
        (scopes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
