using System.Net.Http.Headers;
using System.Security.Claims;
using Tracing.WebConsole.Client;

namespace Tracing.Api.ConsoleHost;

/// <summary>
/// GET /console/artifacts/{artifact_id}?project=P: an <c>&lt;img&gt;</c> cannot send the console JWT, so this asks the
/// API's own GET /artifacts/{id} with it (same scope checks: another workspace or project is 404) and passes the API's
/// 302 to the short-lived signed link on to the browser.
/// </summary>
public static class ArtifactRedirect
{
    public static async Task<IResult> Handle(string artifact_id, string? project, ClaimsPrincipal user, IHttpClientFactory clients,
        CancellationToken ct)
    {
        if (user.FindFirstValue(ConsoleClaims.Jwt) is not { } token) return Results.Unauthorized();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/artifacts/{Uri.EscapeDataString(artifact_id)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (!string.IsNullOrEmpty(project)) request.Headers.Add("X-Tracing-Project", project);
        if (user.FindFirstValue(ConsoleClaims.Workspace) is { Length: > 0 } workspace) request.Headers.Add("X-Tracing-Workspace", workspace);
        using var response = await clients.CreateClient(ConsoleApi.ClientName).SendAsync(request, ct);
        if ((int)response.StatusCode == 302 && response.Headers.Location is { } location) return Results.Redirect(location.ToString());
        return Results.StatusCode((int)response.StatusCode);
    }
}
