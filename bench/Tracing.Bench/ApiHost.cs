using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Api;
using Tracing.Api.Access;
using Tracing.Domain.Access;

namespace Tracing.Bench;

/// <summary>The real API (TracingApp.Build) on a loopback Kestrel port, a project API key, and an HttpClient for it.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    public const string Workspace = "bench";
    public const string Project = "bench";

    private readonly WebApplication _app;

    /// <summary>Artifact storage of the in-process API (unused by the bench): a temp folder, deleted on dispose.</summary>
    private static readonly string DataDir = Path.Combine(Path.GetTempPath(), "tracing-bench-" + Guid.NewGuid().ToString("N")[..12]);

    private ApiHost(WebApplication app, HttpClient http, Uri baseAddress, TimeSpan startup)
    {
        _app = app;
        Http = http;
        BaseAddress = baseAddress;
        Startup = startup;
    }

    public HttpClient Http { get; }
    public Uri BaseAddress { get; }
    public TimeSpan Startup { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="appLogging">Keep the API's own appsettings.json log levels (diagnostic) instead of Warning everywhere.</param>
    /// <param name="daemon">Run the async projection daemon (Tracing:RunBackground); off only for the --no-daemon diagnostic.</param>
    /// <param name="settings">Extra configuration entries (Key=Value), applied last.</param>
    public static async Task<ApiHost> StartAsync(string connectionString, string schema, bool appLogging, bool daemon,
        IEnumerable<string> settings, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Production",
            "--contentRoot", AppContext.BaseDirectory,
            $"--TRACING_DB={connectionString}",
            $"--Tracing:Schema={schema}",
            $"--Tracing:RunBackground={(daemon ? "true" : "false")}",
            $"--Tracing:DataDir={DataDir}",
            $"--Tracing:SigningSecret=bench-{Guid.NewGuid():N}{Guid.NewGuid():N}",
            // The per-key token bucket (200 requests/s by default) is a policy, not capacity: it would answer most of
            // the batch-1 load with 429. Backpressure (429 while the read models trail by > 50,000 events) stays on.
            "--Tracing:RateLimits:Enabled=false",
            // Without a daemon nothing projects, so the read models trail by every event appended: backpressure would
            // answer 429 after the first 50,000 and end the diagnostic run.
            $"--Tracing:Backpressure:MaxProjectionLag={(daemon ? new Tracing.Api.Limits.BackpressureOptions().MaxProjectionLag : 0)}",
        ];
        string[] quiet =
        [
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
            "--Logging:LogLevel:Marten=Warning",
            "--Logging:LogLevel:JasperFx=Warning",
        ];
        var app = TracingApp.Build([.. args, .. appLogging ? [] : quiet, .. settings.Select(s => "--" + s)]);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).First(u => u.Port != 0);
        var issued = await app.Services.GetRequiredService<KeyIssuer>()
            .CreateAsync(Workspace, Project, "bench", ApiKeyFormat.DefaultScopes, ct);

        var http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = 1024,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(120),
            DefaultRequestVersion = HttpVersion.Version11,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);
        return new ApiHost(app, http, address, Stopwatch.GetElapsedTime(started));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
        try { if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Thin typed calls on the HTTP API; every non-2xx or unexpected body is a failure, never silently ignored.</summary>
public sealed class ApiClient(HttpClient http, Failures failures)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<string?> CreateSessionAsync(string name, CancellationToken ct)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { agent = "bench", name })));
        content.Headers.ContentType = Json;
        using var resp = await http.PostAsync("/api/traces", content, ct);
        var body = await resp.Content.ReadAsByteArrayAsync(ct);
        if (resp.StatusCode != HttpStatusCode.Created)
        {
            failures.Add($"POST /api/traces -> {(int)resp.StatusCode}: {Short(body)}");
            return null;
        }
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("id").GetString();
    }

    /// <summary>Backpressure answers (429 + Retry-After) that a setup step waited out instead of failing.</summary>
    public int BackpressureWaits => _backpressureWaits;
    private int _backpressureWaits;

    /// <summary>
    /// Appends a prepared batch; returns false (and records a failure) unless all <paramref name="expected"/> events were
    /// accepted. With <paramref name="waitOutBackpressure"/> (setup only, never in a measured phase) a 429 is retried after
    /// its Retry-After, as a well-behaved client would, for up to a minute.
    /// </summary>
    public async Task<bool> AppendAsync(string sessionId, byte[] body, int expected, CancellationToken ct, bool waitOutBackpressure = false)
    {
        using var resp = await PostAsync(http, $"/api/traces/{sessionId}/events", body, Json, waitOutBackpressure,
            () => Interlocked.Increment(ref _backpressureWaits), ct);
        return await CheckAppendAsync(sessionId, resp, expected, ct);
    }

    /// <summary>
    /// POSTs <paramref name="body"/>. With <paramref name="waitOutBackpressure"/> (setup only, never in a measured phase) a
    /// 429 is retried after its Retry-After, as a well-behaved client would, for up to a minute; <paramref name="waited"/>
    /// is called for each. The caller disposes the answer.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string url, byte[] body, MediaTypeHeaderValue type,
        bool waitOutBackpressure, Action? waited, CancellationToken ct)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = type;
            var resp = await http.PostAsync(url, content, ct);
            if (!waitOutBackpressure || resp.StatusCode != HttpStatusCode.TooManyRequests || DateTime.UtcNow >= giveUp) return resp;
            var retryAfter = resp.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1); // the server's Retry-After
            resp.Dispose();
            waited?.Invoke();
            await Task.Delay(retryAfter, ct);
        }
    }

    private async Task<bool> CheckAppendAsync(string sessionId, HttpResponseMessage resp, int expected, CancellationToken ct)
    {
        var bytes = await resp.Content.ReadAsByteArrayAsync(ct);
        if (!resp.IsSuccessStatusCode)
        {
            failures.Add($"POST /api/traces/{sessionId}/events -> {(int)resp.StatusCode}: {Short(bytes)}");
            return false;
        }
        var accepted = ReadNumber(bytes, "accepted"u8);
        if (accepted != expected)
        {
            failures.Add($"POST /api/traces/{sessionId}/events accepted {accepted} of {expected}: {Short(bytes)}");
            return false;
        }
        return true;
    }

    /// <summary>GET /api/traces/{id} → event_count, or null on failure.</summary>
    public async Task<long?> EventCountAsync(string sessionId, CancellationToken ct)
    {
        using var resp = await http.GetAsync($"/api/traces/{sessionId}", ct);
        var bytes = await resp.Content.ReadAsByteArrayAsync(ct);
        if (!resp.IsSuccessStatusCode)
        {
            failures.Add($"GET /api/traces/{sessionId} -> {(int)resp.StatusCode}: {Short(bytes)}");
            return null;
        }
        return ReadNumber(bytes, "event_count"u8);
    }

    /// <summary>One replay page as received (raw bytes), or null on failure.</summary>
    public async Task<byte[]?> GetPageAsync(string sessionId, long afterSeq, int limit, CancellationToken ct)
    {
        using var resp = await http.GetAsync($"/api/traces/{sessionId}/events?after_seq={afterSeq}&limit={limit}", HttpCompletionOption.ResponseHeadersRead, ct);
        var bytes = await resp.Content.ReadAsByteArrayAsync(ct);
        if (!resp.IsSuccessStatusCode)
        {
            failures.Add($"GET /api/traces/{sessionId}/events -> {(int)resp.StatusCode}: {Short(bytes)}");
            return null;
        }
        return bytes;
    }

    /// <summary>
    /// The paging cursor of a page, read from its tail (the API writes next_after_seq and has_more after data) without
    /// parsing the events, so the timed replay loop measures the API rather than this client's JSON parser.
    /// <see cref="ScanPage"/> checks every page completely afterwards.
    /// </summary>
    internal static (long NextAfter, bool HasMore)? Trailer(byte[] page)
    {
        var tail = page.AsSpan(Math.Max(0, page.Length - 128));
        var n = tail.LastIndexOf("\"next_after_seq\":"u8);
        var h = tail.LastIndexOf("\"has_more\":"u8);
        if (n < 0 || h < 0) return null;
        if (!System.Buffers.Text.Utf8Parser.TryParse(tail[(n + "\"next_after_seq\":"u8.Length)..], out long next, out _)) return null;
        return (next, tail[(h + "\"has_more\":"u8.Length)..].TrimStart(" "u8).StartsWith("true"u8));
    }

    /// <summary>Streams through a page with Utf8JsonReader: counts data[] items and checks their seq order without materialising them.</summary>
    internal static (int, long, long, bool, long, bool, long) ScanPage(byte[] bytes)
    {
        var r = new Utf8JsonReader(bytes);
        int count = 0;
        long first = -1, last = -1, next = -1;
        bool ordered = true, hasMore = false;
        r.Read(); // {
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("data"u8))
            {
                r.Read(); // [
                while (r.Read() && r.TokenType == JsonTokenType.StartObject)
                {
                    long seq = -1;
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        var isSeq = r.CurrentDepth == 3 && r.ValueTextEquals("seq"u8);
                        r.Read();
                        if (isSeq) seq = r.GetInt64();
                        else r.Skip();
                    }
                    if (seq <= last) ordered = false;
                    if (count == 0) first = seq;
                    last = seq;
                    count++;
                }
            }
            else if (r.ValueTextEquals("next_after_seq"u8)) { r.Read(); next = r.GetInt64(); }
            else if (r.ValueTextEquals("has_more"u8)) { r.Read(); hasMore = r.GetBoolean(); }
            else { r.Read(); r.Skip(); }
        }
        return (count, first, last, ordered, next, hasMore, bytes.LongLength);
    }

    private static long ReadNumber(byte[] json, ReadOnlySpan<byte> property)
    {
        var r = new Utf8JsonReader(json);
        while (r.Read())
        {
            if (r.TokenType == JsonTokenType.PropertyName && r.CurrentDepth == 1 && r.ValueTextEquals(property))
            {
                r.Read();
                return r.TokenType == JsonTokenType.Number ? r.GetInt64() : -1;
            }
        }
        return -1;
    }

    private static string Short(byte[] body)
    {
        var s = Encoding.UTF8.GetString(body);
        return s.Length <= 300 ? s : s[..300] + "...";
    }
}
