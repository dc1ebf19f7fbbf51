using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tracing.Tests.Support;

/// <summary>
/// A real OpenAI-compatible endpoint (Kestrel on 127.0.0.1, a free port) for fix agent tests. It records every
/// request and answers POST /v1/chat/completions with whatever <see cref="Reply"/> returns.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(string? Authorization, JsonElement Body)> _requests = [];

    private FakeModelServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>(HTTP status, assistant message content) for a request body.</summary>
    public Func<JsonElement, (int Status, string Content)> Reply { get; set; } = _ => (200, "{}");
    /// <summary>A model that never answers: each request is held until the caller gives up (its timeout aborts it).</summary>
    public bool Hang { get; set; }

    /// <summary>When set, every answer waits for this task first (a model call held open until the test releases it).</summary>
    public Task? Gate { get; set; }

    public IReadOnlyList<(string? Authorization, JsonElement Body)> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.MapPost("/v1/chat/completions", async (HttpContext ctx) =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            var body = doc.RootElement.Clone();
            lock (server._requests) server._requests.Add((ctx.Request.Headers.Authorization.ToString(), body));
            if (server.Gate is { } gate) await gate.WaitAsync(ctx.RequestAborted);
            if (server.Hang)
            {
                // Released by the caller's abort (or the server stopping), not by a timer.
                var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (ctx.RequestAborted.Register(() => aborted.TrySetResult())) await aborted.Task;
                return;
            }
            var (status, content) = server.Reply(body);
            ctx.Response.StatusCode = status;
            await ctx.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-fake", @object = "chat.completion", model = body.GetProperty("model").GetString(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            });
        });
        await app.StartAsync();
        server.BaseUrl = app.Urls.First() + "/v1";
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
