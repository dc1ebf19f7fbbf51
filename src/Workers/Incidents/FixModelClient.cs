using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tracing.Domain.Fixes;

namespace Tracing.Workers.Incidents;

/// <summary>The outcome of asking the model: its plan and diff, or a reason code (never containing configuration).</summary>
public sealed record ModelAnswer(string? Plan, string? Diff, string? Failure);

/// <summary>POSTs {BaseUrl}/chat/completions (OpenAI-compatible) with a timeout. Failures become reason codes, not exceptions.</summary>
public sealed class FixModelClient(FixAgentOptions options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan, // the per-call token bounds each request
    };

    public bool Configured => options.Configured;

    public async Task<ModelAnswer> AskAsync(IReadOnlyList<(string Role, string Content)> messages, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)));
        var body = JsonSerializer.Serialize(new
        {
            model = options.Model,
            temperature = 0,
            messages = messages.Select(m => new { role = m.Role, content = m.Content }),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, options.BaseUrl!.TrimEnd('/') + "/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(options.ApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) return Failed($"model_http_error: {(int)response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var content = Content(text);
            if (content is null) return Failed("model_reply_unreadable: no choices[0].message.content");
            return FixPrompt.ReadReply(content) is { } reply
                ? new ModelAnswer(reply.Plan, reply.Diff, null)
                : Failed("model_reply_unreadable: no plan and diff in the answer");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed("model_timeout");
        }
        catch (HttpRequestException)
        {
            return Failed("model_unreachable");
        }
    }

    private static string? Content(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array &&
                   choices.GetArrayLength() > 0 && choices[0].TryGetProperty("message", out var message) &&
                   message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content) &&
                   content.ValueKind == JsonValueKind.String
                ? content.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ModelAnswer Failed(string reason) => new(null, null, reason);

    public void Dispose() => _http.Dispose();
}
