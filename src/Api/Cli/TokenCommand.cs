using Tracing.Api.Access;
using Tracing.Domain.Access;

namespace Tracing.Api.Cli;

/// <summary>
/// <c>./tracing token --workspace W [--role R] [--ttl M] [--sub S]</c>: a console JWT for development, signed with
/// <c>Tracing:Jwt:Secret</c> or the development secret in <c>.tracing/dev-jwt-secret</c> (created on first use; the API
/// started by <c>./tracing run</c> accepts it). The token is printed alone on the last line.
/// </summary>
public static class TokenCommand
{
    public const int DefaultTtlMinutes = 60;

    public static int Run(string[] rest)
    {
        var config = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return Run(rest, config, Directory.GetCurrentDirectory(), Console.Out, Console.Error);
    }

    public static int Run(string[] rest, IConfiguration config, string baseDir, TextWriter output, TextWriter errors)
    {
        var opts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < rest.Length; i += 2) opts[rest[i]] = rest[i + 1];
        var role = opts.GetValueOrDefault("--role", Roles.Member);
        var ttl = DefaultTtlMinutes;
        if (!opts.TryGetValue("--workspace", out var workspace) || !Membership.IsValidName(workspace) || !Roles.IsKnown(role) ||
            (opts.TryGetValue("--ttl", out var t) && (!int.TryParse(t, out ttl) || ttl is < 1 or > 7 * 24 * 60)))
        {
            errors.WriteLine("usage: token --workspace W [--role admin|member|viewer] [--ttl MINUTES (1-10080)] [--sub SUBJECT]");
            return 2;
        }

        var secret = config["Tracing:Jwt:Secret"];
        if (string.IsNullOrWhiteSpace(secret))
            secret = DevJwtSecret.LoadOrCreate(Path.GetFullPath(config["Tracing:Jwt:DevSecretFile"] ?? DevJwtSecret.DefaultPath, baseDir));
        var audience = string.IsNullOrWhiteSpace(config["Tracing:Jwt:Audience"]) ? JwtSettings.DefaultAudience : config["Tracing:Jwt:Audience"]!;
        var issuer = string.IsNullOrWhiteSpace(config["Tracing:Jwt:Issuer"]) ? null : config["Tracing:Jwt:Issuer"];

        var token = DevTokens.Mint(secret.Trim(), workspace, role, opts.GetValueOrDefault("--sub", "dev-user"),
            TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(ttl), audience, issuer);
        errors.WriteLine("warning: development token, signed with a local secret; never use this command against a shared server.");
        output.WriteLine($"workspace: {workspace}  role: {role}  expires in {ttl} min");
        output.WriteLine(token);
        return 0;
    }
}
