using System.CommandLine;
using Tracing.Api.Access;
using Tracing.Domain.Access;

namespace Tracing.Api.Cli;

/// <summary>
/// <c>./tracing token --workspace W [--role R] [--ttl M] [--sub S]</c>: a console JWT for development, signed with
/// <c>Tracing:Jwt:Secret</c> or the development secret in <c>.tracing/dev-jwt-secret</c> (created on first use; the API
/// started by <c>./tracing run</c> accepts it). The token is printed alone on the last line. Needs no database.
/// </summary>
public static class TokenCommand
{
    public const int DefaultTtlMinutes = 60;
    public const int MaxTtlMinutes = 7 * 24 * 60;

    /// <summary>The configuration the command reads when run by ./tracing: appsettings.json of the working folder and the environment.</summary>
    public static IConfiguration DefaultConfiguration() => new ConfigurationBuilder()
        .SetBasePath(Directory.GetCurrentDirectory())
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    /// <summary>Runs the command on its arguments (those after <c>token</c>).</summary>
    public static int Run(string[] rest, IConfiguration config, string baseDir, TextWriter output, TextWriter errors) =>
        CliRunner.InvokeAsync(Build(() => config, baseDir), rest, output, errors).GetAwaiter().GetResult();

    public static Command Build(Func<IConfiguration> config, string baseDir)
    {
        var workspace = CliOptions.Name("--workspace", "the workspace the token grants");
        var role = CliOptions.Role(Roles.Member);
        var ttl = new Option<int>("--ttl") { Description = $"lifetime in minutes (1-{MaxTtlMinutes})", HelpName = "MINUTES", DefaultValueFactory = _ => DefaultTtlMinutes };
        ttl.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is var m && m is < 1 or > MaxTtlMinutes) r.AddError($"--ttl {m} is out of range: 1-{MaxTtlMinutes} minutes");
        });
        var subject = CliOptions.Name("--sub", "the user id (subject) in the token", required: false, defaultValue: "dev-user");
        var command = new Command("token", "Mint a development console JWT (development only; never against a shared server).")
        {
            workspace, role, ttl, subject,
        };
        command.SetAction(parse =>
        {
            var settings = config();
            var secret = settings["Tracing:Jwt:Secret"];
            if (string.IsNullOrWhiteSpace(secret))
                secret = DevJwtSecret.LoadOrCreate(Path.GetFullPath(settings["Tracing:Jwt:DevSecretFile"] ?? DevJwtSecret.DefaultPath, baseDir));
            var audience = string.IsNullOrWhiteSpace(settings["Tracing:Jwt:Audience"]) ? JwtSettings.DefaultAudience : settings["Tracing:Jwt:Audience"]!;
            var issuer = string.IsNullOrWhiteSpace(settings["Tracing:Jwt:Issuer"]) ? null : settings["Tracing:Jwt:Issuer"];
            var (ws, r, minutes) = (parse.GetValue(workspace)!, parse.GetValue(role)!, parse.GetValue(ttl));
            var token = DevTokens.Mint(secret.Trim(), ws, r, parse.GetValue(subject)!, TimeProvider.System.GetUtcNow(),
                TimeSpan.FromMinutes(minutes), audience, issuer);
            var output = parse.InvocationConfiguration.Output;
            parse.InvocationConfiguration.Error.WriteLine("warning: development token, signed with a local secret; never use this command against a shared server.");
            output.WriteLine($"workspace: {ws}  role: {r}  expires in {minutes} min");
            output.WriteLine(token);
            return CliRunner.Ok;
        });
        return command;
    }
}
