using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tracing.Tests.Support;

public sealed record SseMessage(string? Id, string Event, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();
    public long Seq => Json.GetProperty("seq").GetInt64();
}

/// <summary>A minimal Server-Sent Events reader over a real HTTP response stream (as EventSource parses it).</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    public int Status => (int)_response.StatusCode;
    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;
    public int Comments { get; private set; }
    public int? Retry { get; private set; }
    public bool Ended { get; private set; }
    private int _commentsWanted = int.MaxValue;
    public string? SetCookie => _response.Headers.TryGetValues("Set-Cookie", out var v) ? v.FirstOrDefault() : null;

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public static async Task<SseClient> OpenAsync(HttpClient http, string url, string? bearer, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next dispatched message; null when the server ended the stream. Throws on timeout.</summary>
    public async Task<SseMessage?> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        string? id = null, evt = null;
        var data = new StringBuilder();
        var hasData = false;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token);
            if (line is null) { Ended = true; return null; }
            if (line.Length == 0)
            {
                if (hasData) return new SseMessage(id, evt ?? "message", data.ToString());
                id = evt = null;
                continue;
            }
            if (line.StartsWith(':'))
            {
                Comments++;
                if (Comments >= _commentsWanted) return null;
                continue;
            }
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": evt = value; break;
                case "retry": Retry = int.Parse(value); break;
                case "data":
                    if (hasData) data.Append('\n');
                    data.Append(value);
                    hasData = true;
                    break;
            }
        }
    }

    /// <summary>
    /// Reads until a line sets the stream's last event id (with or without data, as an EventSource counts it) and returns
    /// that id. Lines before it are consumed: for the start of a stream, before any message.
    /// </summary>
    public async Task<string> UntilEventIdAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await _reader.ReadLineAsync(cts.Token) is { } line)
            if (line.StartsWith("id:", StringComparison.Ordinal)) return line[3..].TrimStart(' ');
        throw new InvalidOperationException("the stream ended before it carried an id");
    }

    /// <summary>
    /// Reads until <paramref name="count"/> messages of <paramref name="eventName"/> arrived. A stream that was refused
    /// (not 200 text/event-stream) or that ends first throws, so an empty or short result never passes an assertion by
    /// accident; only callers that expect the server to close (<paramref name="allowEnd"/>) get the partial list.
    /// </summary>
    public async Task<List<SseMessage>> TakeAsync(int count, string eventName = "event.appended", int timeoutSeconds = 20, bool allowEnd = false)
    {
        if (Status != 200 || ContentType != "text/event-stream")
            throw new InvalidOperationException($"the stream was refused: {Status} {ContentType}");
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        var taken = new List<SseMessage>();
        while (taken.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"got {taken.Count} of {count} '{eventName}' messages");
            var m = await NextAsync(left);
            if (m is null)
            {
                if (allowEnd) break;
                throw new InvalidOperationException($"the stream ended after {taken.Count} of {count} '{eventName}' messages");
            }
            if (m.Event == eventName) taken.Add(m);
        }
        return taken;
    }

    /// <summary>
    /// Reads until the stream has carried <paramref name="comments"/> more comment lines (heartbeats); returns the
    /// messages dispatched meanwhile. Waits on the bytes themselves, so a slow machine only makes it later, never wrong.
    /// </summary>
    public async Task<List<SseMessage>> UntilCommentsAsync(int comments, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var seen = new List<SseMessage>();
        _commentsWanted = Comments + comments;
        try
        {
            while (Comments < _commentsWanted)
            {
                var m = await NextAsync(timeout);
                if (m is not null) seen.Add(m);
                else if (Comments < _commentsWanted) throw new InvalidOperationException($"the stream ended after {seen.Count} messages");
                cts.Token.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            _commentsWanted = int.MaxValue;
        }
        return seen;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
