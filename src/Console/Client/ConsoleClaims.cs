namespace Tracing.WebConsole.Client;

/// <summary>
/// Claims of the console's sign-in cookie. The cookie proves nothing to the API by itself: it carries the console JWT,
/// which every page sends as <c>Authorization: Bearer</c> to the real API, so the API's own checks decide everything.
/// None of these is an API claim (workspace/scope), so a cookie principal can never pass an API policy.
/// </summary>
public static class ConsoleClaims
{
    public const string Scheme = "TracingConsole";
    public const string Jwt = "tracing:console-jwt";
    public const string Workspace = "tracing:console-workspace";
    public const string Role = "tracing:console-role";
    public const string Subject = "tracing:console-sub";
}
