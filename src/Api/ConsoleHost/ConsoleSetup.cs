using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Tracing.Api.Access;
using Tracing.Domain.Access;
using Tracing.WebConsole;
using Tracing.WebConsole.Client;

namespace Tracing.Api.ConsoleHost;

/// <summary>The web console (ADR 0017): Razor components with interactive server rendering, mounted at <c>/</c>.</summary>
public static class ConsoleSetup
{
    public static IServiceCollection AddTracingConsole(this IServiceCollection services, IConfiguration config, string dataDir)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        // The sign-in cookie is encrypted with these keys: kept beside the artifacts (Tracing:DataDir), which every node shares.
        services.AddDataProtection().SetApplicationName("Tracing")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "keys")));
        var auth = services.AddAuthentication();
        auth.AddCookie(ConsoleClaims.Scheme, o =>
        {
            o.Cookie.Name = "tracing_console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever served over TLS
            o.LoginPath = "/signin";
            o.ExpireTimeSpan = ConsoleSessionToken.Lifetime;
            o.SlidingExpiration = false; // never outlives the JWT inside it
        });
        if (OidcSettings.From(config) is { } oidc)
        {
            services.AddSingleton(oidc);
            auth.AddConsoleOidc(oidc);
        }
        services.AddSingleton<LoopbackAddress>();
        services.AddSingleton<ConsoleSignIns>();
        services.AddSingleton<ConsoleSessionToken>();
        services.AddHttpClient(ConsoleApi.ClientName, (sp, c) =>
            {
                c.BaseAddress = sp.GetRequiredService<LoopbackAddress>().Uri;
                c.Timeout = TimeSpan.FromSeconds(60);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.AddScoped<ConsoleUser>();
        services.AddScoped<ConsoleApi>();
        return services;
    }

    /// <summary>Console cookie for console pages; the API's own paths keep their Bearer scheme (<see cref="AccessSetup"/>).</summary>
    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/artifacts")
        // OTLP receivers (ADR 0010) are API routes too: without this, a console cookie challenge answers them with 302.
        || path.StartsWithSegments("/v1") || path.StartsWithSegments("/otel");

    public static void MapTracingConsole(this WebApplication app)
    {
        var signedIn = new AuthorizeAttribute { AuthenticationSchemes = ConsoleClaims.Scheme };
        app.MapStaticAssets();
        app.MapConsoleSignIn();
        app.MapGet("/console/artifacts/{artifact_id}", ArtifactRedirect.Handle).RequireAuthorization(signedIn).ExcludeFromDescription();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(signedIn);
        PrintDevLink(app);
    }

    /// <summary>
    /// <c>./tracing run</c> (development secret only): a one-time sign-in link for a development admin, on stdout and
    /// never through the logger, since it is a credential.
    /// </summary>
    private static void PrintDevLink(WebApplication app)
    {
        var settings = app.Services.GetRequiredService<JwtSettings>();
        if (!settings.FromDevSecret || !app.Configuration.GetValue("Tracing:Console:DevSignInLink", true)) return;
        var workspace = app.Configuration["Tracing:Console:DevWorkspace"] is { Length: > 0 } w ? w : "dev";
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            var code = await app.Services.GetRequiredService<ConsoleSignIns>()
                .IssueAsync(workspace, Roles.Admin, "dev-admin", ConsoleSignIns.DefaultLifetime, CancellationToken.None);
            var link = ConsoleSignIns.Link(app.Services.GetRequiredService<LoopbackAddress>().Uri, code);
            Console.WriteLine($"Console: sign in as a development admin of workspace '{workspace}' (one use, 15 min):\n  {link}");
        }));
    }
}
