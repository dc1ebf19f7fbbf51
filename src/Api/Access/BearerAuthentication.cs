using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;
using Tracing.Api.Infrastructure;
using Tracing.Api.Live;
using Tracing.Domain.Access;

namespace Tracing.Api.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;project api key&gt;</c>, or the service credential with the workspace
/// and project it acts for (scope <c>service</c> only, so it passes no other route's policy); answers 401/403 as
/// problem documents.
/// </summary>
public sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyDirectory keys, ServiceCredential service, StreamTickets tickets, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Scheme = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return await FromTicketAsync();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Authorization must use the Bearer scheme.");

        var token = header["Bearer ".Length..].Trim();
        if (service.Matches(token)) return AuthenticateService();

        var key = await keys.ResolveAsync(token, Context.RequestAborted);
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

    private AuthenticateResult AuthenticateService()
    {
        var workspace = Request.Headers[ServiceCredential.WorkspaceHeader].ToString();
        var project = Request.Headers[ServiceCredential.ProjectHeader].ToString();
        if (!ServiceCredential.IsValidName(workspace) || !ServiceCredential.IsValidName(project))
            return AuthenticateResult.Fail($"The service credential needs {ServiceCredential.WorkspaceHeader} and " +
                                           $"{ServiceCredential.ProjectHeader} headers naming the workspace and project it acts for.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, "service"),
            new(Caller.WorkspaceClaim, workspace),
            new(Caller.ProjectClaim, project),
            new(Caller.ScopeClaim, AccessSetup.Service),
        };
        return AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme)), Scheme));
    }

    /// <summary>EventSource cannot send headers: GET /api/stream accepts a single-use ?ticket= instead.</summary>
    private async Task<AuthenticateResult> FromTicketAsync()
    {
        if (!Request.Path.Equals("/api/stream", StringComparison.Ordinal)) return AuthenticateResult.NoResult();
        var redeemed = false;
        StreamTicket? ticket = null;
        if (Request.Cookies.TryGetValue(StreamTickets.ResumeCookie, out var cookie))
            ticket = await tickets.ResumeAsync(cookie, Context.RequestAborted);
        if (ticket is null && Request.Query.TryGetValue("ticket", out var value))
        {
            ticket = await tickets.RedeemAsync(value.ToString(), Context.RequestAborted);
            redeemed = ticket is not null;
        }
        if (ticket is null)
            return Request.Query.ContainsKey("ticket") ? AuthenticateResult.Fail("Invalid, expired or already used stream ticket.") : AuthenticateResult.NoResult();
        var claims = new List<Claim> { new(ClaimTypes.Name, ticket.Actor), new(Caller.WorkspaceClaim, ticket.WorkspaceId) };
        if (redeemed) claims.Add(new Claim(StreamTickets.RedeemedClaim, "1"));
        if (ticket.ProjectId is not null) claims.Add(new Claim(Caller.ProjectClaim, ticket.ProjectId));
        claims.AddRange(ticket.Scopes.Select(s => new Claim(Caller.ScopeClaim, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme)), Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var failure = Context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure?.Message;
        return Write(401, "unauthorized", "Unauthorized", failure ?? "Missing or invalid credential: send Authorization: Bearer <api key>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Write(403, "forbidden", "Forbidden", "This credential lacks the scope this operation needs.");

    private async Task Write(int status, string slug, string title, string detail)
    {
        Response.StatusCode = status;
        var context = new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Type = Problems.TypeBase + slug },
        };
        // Clients that accept only text/event-stream still get a problem document, not a 500.
        if (await problems.TryWriteAsync(context)) return;
        context.ProblemDetails.Extensions["request_id"] = RequestIds.For(Context);
        await Response.WriteAsJsonAsync(context.ProblemDetails, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}

public static class AccessSetup
{
    public const string Read = "traces:read";
    public const string Write = "traces:write";
    public const string Service = "service";

    /// <summary>Routes that take project keys (traces:write) and, for server-only operations, the service credential.</summary>
    public const string WriteOrService = "traces:write|service";

    public static IServiceCollection AddTracingAccess(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyDirectory>();
        services.AddSingleton(sp => new ServiceCredential(sp.GetRequiredService<IConfiguration>()["Tracing:ServiceToken"]));
        services.AddSingleton<StreamTickets>();
        services.AddAuthentication(BearerAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Read))
            .AddPolicy(Write, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Write))
            .AddPolicy(WriteOrService, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Write, Service))
            .AddPolicy(Service, p => p.RequireAuthenticatedUser().RequireClaim(Caller.ScopeClaim, Service));
        return services;
    }
}
