using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Tracing.Api.Infrastructure;
using Tracing.Api.Live;
using Tracing.Domain.Access;

namespace Tracing.Api.Access;

/// <summary>
/// The one <c>Authorization: Bearer</c> surface. The token's shape says what it is: the service credential (scope
/// <c>service</c> only, for the workspace and project its headers name), a console JWT (three dot-separated parts;
/// workspace-scoped, scopes from its role), or a project API key. EventSource clients use stream tickets instead.
/// Answers 401, 403 and the precise denials of console tokens (400/403/404) as problem documents.
/// </summary>
public sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyDirectory keys, ServiceCredential service, ConsoleTokens console, ProjectDirectory projects, StreamTickets tickets)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public new const string Scheme = "Bearer";
    public const string WorkspaceQuery = "workspace_id";
    private const string DenialItem = "tracing:denial";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return await FromTicketAsync();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Authorization must use the Bearer scheme.");

        var token = header["Bearer ".Length..].Trim();
        if (service.Matches(token)) return AuthenticateService();
        if (ConsoleTokens.LooksLikeJwt(token)) return await AuthenticateConsoleAsync(token);

        var key = await keys.ResolveAsync(token, Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("Invalid or revoked API key.");

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, "key:" + key.Id),
            new(Caller.WorkspaceClaim, key.WorkspaceId),
            new(Caller.ProjectClaim, key.ProjectId),
            new(Caller.KeyClaim, key.Id),
        };
        // A key carries only key scopes, whatever its record says (admin and service are never a key's).
        claims.AddRange(key.Scopes.Where(Scopes.KeyScopes.Contains).Select(s => new Claim(Caller.ScopeClaim, s)));
        return Success(claims);
    }

    private AuthenticateResult AuthenticateService()
    {
        var workspace = Request.Headers[ServiceCredential.WorkspaceHeader].ToString();
        var project = Request.Headers[ServiceCredential.ProjectHeader].ToString();
        if (!ServiceCredential.IsValidName(workspace) || !ServiceCredential.IsValidName(project))
            return AuthenticateResult.Fail($"The service credential needs {ServiceCredential.WorkspaceHeader} and " +
                                           $"{ServiceCredential.ProjectHeader} headers naming the workspace and project it acts for.");
        return Success([
            new(ClaimTypes.Name, "service"),
            new(Caller.WorkspaceClaim, workspace),
            new(Caller.ProjectClaim, project),
            new(Caller.ScopeClaim, Scopes.Service),
        ]);
    }

    /// <summary>
    /// A console JWT: valid signature, audience and lifetime, then a role in the workspace the request acts in, then
    /// optionally one project of it (<c>?project_id=</c> or <c>X-Tracing-Project</c>), which only narrows.
    /// </summary>
    private async Task<AuthenticateResult> AuthenticateConsoleAsync(string token)
    {
        var (jwt, error) = await console.ValidateAsync(token, Context.RequestAborted);
        if (jwt is null) return AuthenticateResult.Fail(error!);

        var grants = Membership.Grants(jwt.Payload, console.Settings.Claims);
        var (grant, denial) = Membership.Choose(grants,
            Request.Headers[ServiceCredential.WorkspaceHeader].ToString(), Request.Query[WorkspaceQuery].ToString());
        if (grant is null) return Deny(denial!);

        var project = OneOf(Request.Headers[ServiceCredential.ProjectHeader].ToString(), Request.Query[SessionScope.ProjectQuery].ToString());
        if (project is { Length: 0 })
            return Deny(new Denial(400, "project-ambiguous", "Ambiguous project", "X-Tracing-Project and ?project_id= name different projects."));
        if (project is not null &&
            (!Membership.IsValidName(project) || !await projects.ExistsAsync(grant.WorkspaceId, project, Context.RequestAborted)))
            return Deny(new Denial(404, "not-found", "Not found", $"Project '{Shorten(project)}' is not visible to this credential."));

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, "user:" + jwt.Subject),
            new(Caller.WorkspaceClaim, grant.WorkspaceId),
            new(Caller.RoleClaim, grant.Role),
        };
        if (project is not null) claims.Add(new Claim(Caller.ProjectClaim, project));
        if (jwt.Payload.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var expSeconds))
            claims.Add(new Claim(Caller.ExpiresClaim, expSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        claims.AddRange(Roles.ScopesOf(grant.Role).Select(s => new Claim(Caller.ScopeClaim, s)));
        return Success(claims);
    }

    /// <summary>The one value given (null for none); empty when two are given and differ.</summary>
    private static string? OneOf(string a, string b) =>
        string.IsNullOrEmpty(a) ? (string.IsNullOrEmpty(b) ? null : b) : string.IsNullOrEmpty(b) || a == b ? a : "";

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "...";

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
        if (ticket.KeyId is not null) claims.Add(new Claim(Caller.KeyClaim, ticket.KeyId));
        if (ticket.CredentialExpiresAt is { } until)
            claims.Add(new Claim(Caller.ExpiresClaim, until.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        claims.AddRange(ticket.Scopes.Select(s => new Claim(Caller.ScopeClaim, s)));
        return Success(claims);
    }

    private static AuthenticateResult Success(IEnumerable<Claim> claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme)), Scheme));

    /// <summary>A valid token that cannot act here: unauthenticated, and the challenge answers with the denial.</summary>
    private AuthenticateResult Deny(Denial denial)
    {
        Context.Items[DenialItem] = denial;
        return AuthenticateResult.Fail(denial.Detail);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[DenialItem] is Denial d)
        {
            await ProblemWriter.WriteAsync(Context, d.Status, d.Slug, d.Title, d.Detail);
            return;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        // The cached result of this request's authentication: its failure says why (expired, revoked, ...), never the token.
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        await ProblemWriter.WriteAsync(Context, 401, "unauthorized", "Unauthorized",
            failure ?? "Missing credential: send Authorization: Bearer <api key or console token>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, 403, "forbidden", "Forbidden", "This credential lacks the scope this operation needs.");
}
