using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Tracing.WebConsole.Client;

/// <summary>The signed-in person of this circuit: display names and the console JWT held server-side.</summary>
public sealed class ConsoleUser(AuthenticationStateProvider auth)
{
    private ClaimsPrincipal? _principal;

    public async Task<ClaimsPrincipal> PrincipalAsync()
    {
        _principal ??= (await auth.GetAuthenticationStateAsync()).User;
        return _principal;
    }

    public async Task<string?> TokenAsync() => (await PrincipalAsync()).FindFirstValue(ConsoleClaims.Jwt);
    public async Task<string> WorkspaceAsync() => (await PrincipalAsync()).FindFirstValue(ConsoleClaims.Workspace) ?? "";
    public async Task<string> RoleAsync() => (await PrincipalAsync()).FindFirstValue(ConsoleClaims.Role) ?? "";
    public async Task<string> SubjectAsync() => (await PrincipalAsync()).FindFirstValue(ConsoleClaims.Subject) ?? "";
}
