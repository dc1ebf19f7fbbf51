namespace Tracing.Api.ConsoleHost;

/// <summary>
/// Console sign-in through the OpenID provider whose tokens the API accepts (ADR 0032): <c>Tracing:Console:Oidc:ClientId</c>
/// turns it on; the provider is <c>Tracing:Console:Oidc:Authority</c>, else <c>Tracing:Jwt:Authority</c>.
/// <c>ClientSecret</c> is optional (a public client relies on PKCE), <c>Scopes</c> is space-separated ("openid profile"
/// by default), <c>DisplayName</c> labels the sign-in button. Metadata over HTTPS unless
/// <c>Tracing:Jwt:RequireHttpsMetadata</c> is false (a local provider).
/// </summary>
public sealed record OidcSettings(
    string Authority, string ClientId, string? ClientSecret, IReadOnlyList<string> Scopes, string DisplayName, bool RequireHttpsMetadata)
{
    public const string CallbackPath = "/console/oidc/callback";
    public const string StartPath = "/console/oidc/signin";

    public static OidcSettings? From(IConfiguration config)
    {
        var section = config.GetSection("Tracing:Console:Oidc");
        if (NullIfEmpty(section["ClientId"]) is not { } clientId) return null;
        var authority = NullIfEmpty(section["Authority"]) ?? NullIfEmpty(config["Tracing:Jwt:Authority"])
            ?? throw new InvalidOperationException(
                "Tracing:Console:Oidc:ClientId is set but there is no provider: set Tracing:Jwt:Authority (or Tracing:Console:Oidc:Authority).");
        var scopes = (NullIfEmpty(section["Scopes"]) ?? "openid profile")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (!scopes.Contains("openid")) scopes.Insert(0, "openid");
        return new OidcSettings(authority, clientId, NullIfEmpty(section["ClientSecret"]), scopes,
            NullIfEmpty(section["DisplayName"]) ?? "your identity provider",
            config.GetValue("Tracing:Jwt:RequireHttpsMetadata", true));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
