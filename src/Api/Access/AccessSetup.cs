using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols;
using Tracing.Api.Live;
using Tracing.Domain.Access;

namespace Tracing.Api.Access;

public static class AccessSetup
{
    public const string Selector = "Tracing";

    public const string Read = Scopes.Read;
    public const string Write = Scopes.Write;
    public const string Service = Scopes.Service;

    /// <summary>Routes that take project keys (traces:write) and, for server-only operations, the service credential.</summary>
    public const string WriteOrService = "traces:write|service";

    /// <summary>Incident changes (PATCH, fix-agent dispatch): member/admin console tokens, or API keys with traces:write.</summary>
    public const string IncidentsWrite = Scopes.IncidentsWrite;

    /// <summary>Project and key management: admin console tokens of the workspace only.</summary>
    public const string Admin = Scopes.Admin;

    public static IServiceCollection AddTracingAccess(this IServiceCollection services, IConfiguration config, string contentRoot)
    {
        services.AddSingleton<ApiKeyDirectory>();
        services.AddSingleton<CredentialCheck>();
        services.AddSingleton<ProjectDirectory>();
        services.AddSingleton(sp => new ServiceCredential(sp.GetRequiredService<IConfiguration>()["Tracing:ServiceToken"]));
        services.AddSingleton(JwtSettings.From(config, contentRoot));
        // Replaceable (tests serve JWKS documents from memory); metadata over https unless configured otherwise.
        services.TryAddSingleton<IDocumentRetriever>(sp => new HttpDocumentRetriever
        {
            RequireHttps = sp.GetRequiredService<JwtSettings>().RequireHttpsMetadata,
        });
        services.AddSingleton<ConsoleTokens>();
        services.AddSingleton<StreamTickets>();
        // The API's paths authenticate by Bearer only; every other path (the web console) by the console cookie, which
        // carries no API claims of its own (ADR 0018). The selector keeps the two from ever mixing.
        services.AddAuthentication(Selector)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.Scheme, null)
            .AddPolicyScheme(Selector, null, o => o.ForwardDefaultSelector = ctx =>
                ConsoleHost.ConsoleSetup.IsApiPath(ctx.Request.Path) ? BearerAuthentication.Scheme : WebConsole.Client.ConsoleClaims.Scheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Read))
            .AddPolicy(Write, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Write))
            .AddPolicy(WriteOrService, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Write, Service))
            .AddPolicy(Service, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Service))
            .AddPolicy(IncidentsWrite, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, IncidentsWrite, Write))
            .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Admin));
        return services;
    }

    /// <summary>Resolves the token validator at start-up (so bad JWT settings fail there) and says which credentials are on.</summary>
    public static void ReportAccess(this WebApplication app)
    {
        var tokens = app.Services.GetRequiredService<ConsoleTokens>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tracing.Api.Access");
        if (tokens.Settings.FromDevSecret)
            log.LogWarning("Console tokens are signed with the development secret (Tracing:Jwt:DevSecretFile): development only.");
        else if (!tokens.Enabled)
            log.LogInformation("Console tokens (JWTs) are off: set Tracing:Jwt:Secret, Tracing:Jwt:JwksUrl or Tracing:Jwt:Authority.");
    }
}
