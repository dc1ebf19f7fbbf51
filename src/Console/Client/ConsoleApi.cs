using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tracing.WebConsole.Client;

/// <summary>
/// The console is a client of the HTTP API (ADR 0017): every page calls the real endpoints over loopback with the
/// signed-in user's console JWT, so the API's authentication, roles, scopes and workspace/project walls apply to the
/// console exactly as to curl. Nothing here reads the store.
/// </summary>
public sealed class ConsoleApi(IHttpClientFactory clients, ConsoleUser user)
{
    public const string ClientName = "tracing-console-api";

    public Task<ApiResult<T>> GetAsync<T>(string path, string? project = null, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Get, path, null, project, null, ct);

    /// <summary>The projects the user can see, for pickers (empty when the API refuses).</summary>
    public async Task<List<ProjectRow>> ProjectsAsync(CancellationToken ct = default) =>
        await GetAsync<Page<ProjectRow>>("/api/projects", null, ct) is { Ok: true, Value: { } page } ? page.Data : [];

    public Task<ApiResult<T>> PostAsync<T>(string path, object? body, string? project = null, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Post, path, body, project, null, ct);

    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, string? project,
        IReadOnlyDictionary<string, string>? headers, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        var token = await user.TokenAsync();
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // A provider's token may grant several workspaces: the console acts in the one chosen at sign-in.
        if (await user.WorkspaceAsync() is { Length: > 0 } workspace) request.Headers.Add("X-Tracing-Workspace", workspace);
        // Sessions and their artifacts live in projects: a workspace-wide console token names one per request.
        if (project is not null) request.Headers.Add("X-Tracing-Project", project);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        if (body is string text) request.Content = new StringContent(text, Encoding.UTF8, "text/plain");
        else if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: ApiJson.Options);

        using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
        var status = (int)response.StatusCode;
        var etag = response.Headers.ETag?.ToString();
        var location = response.Headers.Location?.ToString();
        if (status is >= 200 and < 300)
        {
            if (typeof(T) == typeof(string)) return new(status, (T)(object)await response.Content.ReadAsStringAsync(ct), null, etag, location);
            var value = response.Content.Headers.ContentLength == 0 ? default
                : await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, ct);
            return new(status, value, null, etag, location);
        }
        if (status is >= 300 and < 400) return new(status, default, null, etag, location);
        Problem? problem = null;
        try { problem = await response.Content.ReadFromJsonAsync<Problem>(ApiJson.Options, ct); }
        catch (Exception ex) when (ex is JsonException or NotSupportedException) { }
        return new(status, default, problem, etag, location);
    }
}
