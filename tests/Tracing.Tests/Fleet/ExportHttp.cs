using System.Net.Http.Headers;
using System.Security.Cryptography;
using Tracing.Tests.Support;

namespace Tracing.Tests.Fleet;

/// <summary>An export as the client receives it: exact body bytes and headers.</summary>
public sealed record ExportReply(int Status, byte[] Body, IReadOnlyDictionary<string, string> Headers, string? ContentType)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Body));
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException(name);
}

public static class ExportHttp
{
    public static async Task<ExportReply> GetAsync(AppFixture app, string bearer, string url, IDictionary<string, string>? headers = null)
    {
        using var http = app.Host.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.Add(k, v);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var all = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new ExportReply((int)response.StatusCode, body, all, response.Content.Headers.ContentType?.MediaType);
    }
}
