using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Api.ConsoleHost;
using Tracing.Tests.Support;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Console;

/// <summary>
/// A workspace built through the real HTTP API for the console's browser tests: a project key for ingest, an admin
/// console token for settings and triage, and one-time sign-in links issued the way <c>./tracing console-link</c> does.
/// </summary>
public sealed class ConsoleWorld : IDisposable
{
    public const string Project = "web";
    private readonly LoopbackApi _api;

    private ConsoleWorld(LoopbackApi api, string workspace, HttpClient key, HttpClient admin)
    {
        _api = api;
        Workspace = workspace;
        Key = key;
        Admin = admin;
    }

    public string Workspace { get; }
    public HttpClient Key { get; }
    public HttpClient Admin { get; }

    public static async Task<ConsoleWorld> CreateAsync(LoopbackApi api)
    {
        var workspace = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var issued = await api.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync(workspace, Project, "console-test", [AccessSetup.Read, AccessSetup.Write], default);
        var admin = api.CreateClient(DevTokens.Mint(TestKeys.JwtSecret, workspace, "admin", "admin-2", DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        return new ConsoleWorld(api, workspace, api.CreateClient(issued.Token), admin);
    }

    /// <summary>A one-time sign-in link for this workspace, as <c>./tracing console-link</c> prints it.</summary>
    public async Task<string> SignInLinkAsync(string role = "admin", string subject = "alice")
    {
        var code = await _api.Services.GetRequiredService<ConsoleSignIns>()
            .IssueAsync(Workspace, role, subject, ConsoleSignIns.DefaultLifetime, default);
        return ConsoleSignIns.Link(_api.BaseAddress, code);
    }

    public async Task<string> SessionAsync(string id, params object[] events)
    {
        await Send(Key, HttpMethod.Post, "/api/traces", new { id, agent = "planner" });
        if (events.Length > 0) await AppendAsync(id, events);
        return id;
    }

    public Task AppendAsync(string session, params object[] events) =>
        Send(Key, HttpMethod.Post, $"/api/traces/{session}/events", new { events });

    public async Task<string> ScreenshotAsync(string session, long seq)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(TinyPng.Gradient());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "shot.png");
        form.Add(new StringContent("screenshot"), "kind");
        form.Add(new StringContent(seq.ToString()), "seq");
        using var reply = await Key.PostAsync($"/api/traces/{session}/artifacts", form);
        var text = await reply.Content.ReadAsStringAsync();
        if (!reply.IsSuccessStatusCode) throw new InvalidOperationException($"upload: {(int)reply.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("artifact_id").GetString()!;
    }

    public Task<JsonElement> AnalyzeAsync(string session) => Send(Key, HttpMethod.Post, $"/api/traces/{session}/analyze", new { });

    /// <summary>The project's incidents, once the async read model has one (polled with a deadline).</summary>
    public async Task<JsonElement> FirstIncidentAsync() =>
        await Eventually.UntilAsync(async () =>
            {
                var page = await Send(Key, HttpMethod.Get, "/api/incidents", null);
                return page.GetProperty("data").EnumerateArray().FirstOrDefault();
            },
            i => i.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), _ => "no incident yet");

    public static async Task<JsonElement> Send(HttpClient http, HttpMethod method, string url, object? body,
        IDictionary<string, string>? headers = null, string? contentType = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is string text) request.Content = new StringContent(text, Encoding.UTF8, contentType ?? "text/plain");
        else if (body is not null) request.Content = JsonContent.Create(body);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        using var reply = await http.SendAsync(request);
        var content = await reply.Content.ReadAsStringAsync();
        if (!reply.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {url}: {(int)reply.StatusCode} {content}");
        return content.Length == 0 ? default : JsonDocument.Parse(content).RootElement.Clone();
    }

    /// <summary>A tool failure the agent carried on after, then an unhandled error: two findings, one incident per fingerprint.</summary>
    public static object[] FailingRun()
    {
        var t0 = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
        object E(long seq, string type, string span, string? parent, int ms, object payload) =>
            new { seq, type, span_id = span, parent_span_id = parent, ts = t0.AddMilliseconds(ms), payload };
        return
        [
            E(1, "agent.step", "run", null, 0, new { step = 1 }),
            E(2, "llm.request", "llm-1", "run", 10, new { model = "gpt-4o", provider = "openai", input_tokens = 120,
                messages = new object[] { new { role = "system", content = "You plan trips." }, new { role = "user", content = "Weather in Paris?" } } }),
            E(3, "llm.response", "llm-1", "run", 900, new { model = "gpt-4o", content = "Calling search.", finish_reason = "tool_call",
                usage = new { input_tokens = 120, output_tokens = 12, cost_usd = 0.0021 } }),
            E(4, "tool.call", "tool-1", "llm-1", 910, new { tool = "search", call_id = "c1", args = new { q = "weather paris" } }),
            E(5, "tool.result", "tool-1", "llm-1", 30_910, new { tool = "search", call_id = "c1", ok = false,
                error = new { type = "TimeoutError", message = "timed out after 30s" } }),
            E(6, "agent.step", "run", null, 30_920, new { step = 2 }),
            E(7, "llm.response", "llm-2", "run", 31_500, new { model = "gpt-4o", content = "It is sunny.", finish_reason = "stop" }),
        ];
    }

    public static object[] CleanRun() =>
    [
        Ev(1, "agent.step", new { step = 1 }),
        Ev(2, "tool.call", new { tool = "search", call_id = "c1", args = new { q = "weather paris" } }),
        Ev(3, "tool.result", new { tool = "search", call_id = "c1", ok = true, output = "sunny" }),
        Ev(4, "llm.response", new { model = "gpt-4o", content = "It is sunny.", finish_reason = "stop" }),
    ];

    public void Dispose()
    {
        Key.Dispose();
        Admin.Dispose();
    }
}
