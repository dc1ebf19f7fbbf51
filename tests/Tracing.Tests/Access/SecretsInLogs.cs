using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Access;

/// <summary>Captures every log line (message, exception, scopes) at Trace level.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public string Text => string.Join("\n", _lines);
    public int Count => _lines.Count;
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{level} {category}: {formatter(state, exception)} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (k, v) in values) line.Append($" {k}={v}");
            owner._scopes.ForEachScope((scope, b) => b.Append(" scope=").Append(scope), line);
            owner._lines.Enqueue(line.ToString());
        }
    }
}

/// <summary>
/// A full request cycle against a host logging everything at Trace level: none of the credentials it handled may
/// appear in any log line.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SecretsInLogs
{
    [Fact]
    public void the_request_log_redacts_tickets_and_signatures()
    {
        var query = new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["session_id"] = "s1", ["ticket"] = "stk_abc", ["SIG"] = "xyz",
        });
        Assert.Equal("?session_id=s1&ticket=***&SIG=***", Tracing.Api.Infrastructure.RequestLog.Redact(query));
    }

    [Fact]
    public async Task no_credential_of_a_full_request_cycle_reaches_the_logs()
    {
        var capture = new CapturingLoggerProvider();
        await using var host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("TRACING_DB", AppFixture.ConnectionString);
            b.UseSetting("Tracing:Schema", AppFixture.Schema);
            b.UseSetting("Tracing:RunBackground", "false");
            b.UseSetting("Tracing:DataDir", Path.Combine(Path.GetTempPath(), "tracing-logs-" + Guid.NewGuid().ToString("N")[..8]));
            b.UseSetting("Tracing:SigningSecret", AppFixture.SigningSecret);
            b.UseSetting("Tracing:ServiceToken", AppFixture.ServiceToken);
            b.UseSetting("Tracing:Jwt:Secret", TestKeys.JwtSecret);
            b.UseSetting("Tracing:Jwt:JwksUrl", TestKeys.JwksUrl);
            b.UseSetting("Tracing:Jwt:Issuer", TestKeys.Issuer);
            foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Marten", "Wolverine", "Tracing.Api.Access", "System" })
                b.UseSetting($"Logging:LogLevel:{category}", "Trace");
            b.ConfigureServices(s => s.AddSingleton<IDocumentRetriever>(TestKeys.Documents));
            b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
        });
        var http = host.Server.CreateClient();
        var ws = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var admin = TestKeys.Hs256(ws, "admin", subject: "log-admin");
        var expired = TestKeys.Hs256(ws, "admin", issuedAt: DateTimeOffset.UtcNow.AddHours(-2), ttl: TimeSpan.FromHours(1));
        var rs256 = TestKeys.Shared.SignRs256(TestKeys.Claims(ws, "viewer"));

        async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? bearer, string? json = null,
            string contentType = "application/json", Dictionary<string, string>? headers = null)
        {
            var request = new HttpRequestMessage(method, url);
            if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            foreach (var (k, v) in headers ?? []) request.Headers.Add(k, v);
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
            return await http.SendAsync(request);
        }
        async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();

        Assert.Equal(201, (int)(await Send(HttpMethod.Post, "/api/projects", admin, """{"id":"web"}""")).StatusCode);
        var issued = await Json(await Send(HttpMethod.Post, "/api/projects/web/keys", admin, "{}"));
        var key = issued.GetProperty("key").GetString()!;

        Assert.Equal(201, (int)(await Send(HttpMethod.Post, "/api/traces", key, """{"id":"s1"}""")).StatusCode);
        Assert.Equal(200, (int)(await Send(HttpMethod.Post, "/api/traces/s1/events", key, """{"events":[{"seq":1,"type":"log"}]}""")).StatusCode);
        Assert.Equal(200, (int)(await Send(HttpMethod.Get, "/api/traces/s1/events", key)).StatusCode);
        Assert.Equal(200, (int)(await Send(HttpMethod.Get, "/api/traces/s1?project_id=web", admin)).StatusCode);
        Assert.Equal(200, (int)(await Send(HttpMethod.Get, "/api/sessions", rs256)).StatusCode);
        var artifact = await Json(await Send(HttpMethod.Post, "/api/traces/s1/artifacts?kind=log", key, "a line", "text/plain"));
        var redirect = await Send(HttpMethod.Get, $"/artifacts/{artifact.GetProperty("artifact_id").GetString()}", key);
        Assert.Equal(302, (int)redirect.StatusCode);
        var link = redirect.Headers.Location!.OriginalString;
        Assert.Equal(200, (int)(await Send(HttpMethod.Get, link, null)).StatusCode);
        var signature = link[(link.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        var service = new Dictionary<string, string> { ["X-Tracing-Workspace"] = ws, ["X-Tracing-Project"] = "web" };
        Assert.Equal(200, (int)(await Send(HttpMethod.Put, "/api/traces/s1/analysis", AppFixture.ServiceToken,
            """{"detector_version":"ext@1","last_seq":1,"findings":[]}""", headers: service)).StatusCode);

        var ticket = (await Json(await Send(HttpMethod.Post, "/api/stream/tickets", key))).GetProperty("ticket").GetString()!;
        string resume;
        using (var stream = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/stream?session_id=s1&ticket={ticket}"),
                   HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(200, (int)stream.StatusCode);
            resume = stream.Headers.GetValues("Set-Cookie").Single().Split(';')[0].Split('=')[1];
        }
        Assert.Equal(401, (int)(await Send(HttpMethod.Get, $"/api/stream?ticket={ticket}", null)).StatusCode); // spent

        // Failures must not log the credential either.
        Assert.Equal(401, (int)(await Send(HttpMethod.Get, "/api/sessions", expired)).StatusCode);
        Assert.Equal(401, (int)(await Send(HttpMethod.Get, "/api/sessions", key[..^3] + "AAA")).StatusCode);
        Assert.Equal(401, (int)(await Send(HttpMethod.Get, "/api/sessions", AppFixture.ServiceToken)).StatusCode); // no headers
        Assert.Equal(204, (int)(await Send(HttpMethod.Delete, $"/api/keys/{issued.GetProperty("id").GetString()}", admin)).StatusCode);
        Assert.Equal(401, (int)(await Send(HttpMethod.Get, "/api/sessions", key)).StatusCode);

        var logs = capture.Text;
        Assert.True(capture.Count > 100, $"the capture works ({capture.Count} lines)");
        Assert.Contains("/api/traces/s1/events", logs); // requests were logged, just not their credentials
        var secrets = new Dictionary<string, string>
        {
            ["api key"] = key, ["api key secret"] = Tracing.Domain.Access.ApiKeyFormat.TryParse(key, out _, out var keySecret) ? keySecret : key,
            ["service token"] = AppFixture.ServiceToken, ["jwt secret"] = TestKeys.JwtSecret,
            ["admin jwt"] = admin, ["admin jwt signature"] = admin.Split('.')[2], ["expired jwt"] = expired, ["rs256 jwt"] = rs256,
            ["stream ticket"] = ticket, ["resume credential"] = resume, ["signed link signature"] = signature,
        };
        foreach (var (name, secret) in secrets)
            Assert.False(logs.Contains(secret, StringComparison.Ordinal),
                $"the {name} appears in the logs: " + string.Join("\n", logs.Split('\n').Where(l => l.Contains(secret)).Take(5)));
    }
}
