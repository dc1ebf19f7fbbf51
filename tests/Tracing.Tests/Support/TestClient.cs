using System.Text;
using System.Text.Json;
using Alba;

namespace Tracing.Tests.Support;

public sealed record Reply(int Status, JsonElement Body, string ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public string Text => Body.ValueKind == JsonValueKind.Undefined ? "" : Body.GetRawText();
}

/// <summary>Speaks the real HTTP API through Alba with one project's API key.</summary>
public sealed class TestClient(IAlbaHost host, string token, string workspace, string project, string keyId,
    IReadOnlyDictionary<string, string>? defaultHeaders = null)
{
    public string Workspace => workspace;
    public string Project => project;
    public string KeyId => keyId;
    public string Token => token;

    public Task<Reply> Get(string url, string? bearer = null, IDictionary<string, string>? headers = null) =>
        Send("GET", url, null, "application/json", bearer, headers);

    public Task<Reply> Post(string url, object body) =>
        Send("POST", url, body as string ?? JsonSerializer.Serialize(body), "application/json");

    public async Task<Reply> Send(string method, string url, string? body, string contentType, string? bearer = null,
        IDictionary<string, string>? headers = null)
    {
        var result = await host.Scenario(s =>
        {
            s.ConfigureHttpContext(ctx =>
            {
                ctx.Request.Method = method;
                if (body is not null)
                {
                    var bytes = Encoding.UTF8.GetBytes(body);
                    ctx.Request.Body = new MemoryStream(bytes);
                    ctx.Request.ContentLength = bytes.Length;
                    ctx.Request.ContentType = contentType;
                }
            });
            switch (method)
            {
                case "GET": s.Get.Url(url); break;
                case "POST": s.Post.Url(url); break;
                case "PUT": s.Put.Url(url); break;
                case "PATCH": s.Patch.Url(url); break;
                default: s.Delete.Url(url); break;
            }
            if (bearer != "") s.WithRequestHeader("Authorization", "Bearer " + (bearer ?? token));
            foreach (var (k, v) in defaultHeaders ?? new Dictionary<string, string>())
                if (headers?.ContainsKey(k) != true) s.WithRequestHeader(k, v);
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) s.WithRequestHeader(k, v);
            s.IgnoreStatusCode();
        });
        var ctx = result.Context;
        var text = await result.ReadAsTextAsync();
        var json = string.IsNullOrEmpty(text) || !(ctx.Response.ContentType ?? "").Contains("json")
            ? default : JsonDocument.Parse(text).RootElement.Clone();
        var hdrs = ctx.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new Reply(ctx.Response.StatusCode, json, ctx.Response.ContentType ?? "", hdrs);
    }

    public async Task<string> CreateSession(string? id = null, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["agent"] = "test-agent" };
        if (id is not null) body["id"] = id;
        if (extra is not null)
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) body[p.Name] = p.Value;
        var reply = await Post("/api/traces", body);
        if (reply.Status != 201) throw new InvalidOperationException($"create failed: {reply.Status} {reply.Text}");
        return reply.Body.GetProperty("id").GetString()!;
    }

    public static object Ev(long seq, string type = "log", object? payload = null, string? key = null) =>
        key is null
            ? new { seq, type, payload = payload ?? new { message = $"step {seq}" } }
            : new { seq, type, payload = payload ?? new { message = $"step {seq}" }, idempotency_key = key };

    public Task<Reply> Append(string session, params object[] events) =>
        Post($"/api/traces/{session}/events", new { events });

    /// <summary>Appends events with seqs 1..<paramref name="count"/> in requests of <paramref name="batch"/>, each fully accepted.</summary>
    public async Task AppendSeqs(string session, int count, int batch = 1000)
    {
        for (var start = 1; start <= count; start += batch)
        {
            var reply = await Append(session, Enumerable.Range(start, Math.Min(batch, count - start + 1)).Select(i => Ev(i)).ToArray());
            if (reply.Status != 200 || reply.Body.GetProperty("accepted").GetInt32() != Math.Min(batch, count - start + 1))
                throw new InvalidOperationException($"append failed: {reply.Status} {reply.Text}");
        }
    }

    public async Task<List<JsonElement>> ReadAll(string session, int limit = 5000)
    {
        var all = new List<JsonElement>();
        long after = 0;
        while (true)
        {
            var page = await Get($"/api/traces/{session}/events?after_seq={after}&limit={limit}");
            if (page.Status != 200) throw new InvalidOperationException($"read failed: {page.Status} {page.Text}");
            all.AddRange(page.Body.GetProperty("data").EnumerateArray());
            after = page.Body.GetProperty("next_after_seq").GetInt64();
            if (!page.Body.GetProperty("has_more").GetBoolean()) return all;
        }
    }
}
