using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Access;

/// <summary>Authenticates <c>Authorization: Bearer &lt;project api key&gt;</c>; answers 401/403 as problem documents.</summary>
public sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyDirectory keys, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Scheme = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Authorization must use the Bearer scheme.");

        var key = await keys.ResolveAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("Invalid or revoked API key.");

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, "key:" + key.Id),
            new(Caller.WorkspaceClaim, key.WorkspaceId),
            new(Caller.ProjectClaim, key.ProjectId),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(Caller.ScopeClaim, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme)), Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Write(401, "unauthorized", "Unauthorized", "Missing or invalid credential: send Authorization: Bearer <api key>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Write(403, "forbidden", "Forbidden", "This credential lacks the scope this operation needs.");

    private Task Write(int status, string slug, string title, string detail)
    {
        Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Type = Problems.TypeBase + slug },
        }).AsTask();
    }
}

public static class AccessSetup
{
    public const string Read = "traces:read";
    public const string Write = "traces:write";

    public static IServiceCollection AddTracingAccess(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyDirectory>();
        services.AddAuthentication(BearerAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Read))
            .AddPolicy(Write, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Write));
        return services;
    }
}
