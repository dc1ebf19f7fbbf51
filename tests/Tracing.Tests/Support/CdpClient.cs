using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace Tracing.Tests.Support;

/// <summary>
/// A tiny Chrome DevTools Protocol client over one target's WebSocket: commands with ids, replies matched by id,
/// events ignored. Enough for Runtime.evaluate.
/// </summary>
public sealed class CdpClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiver;
    private int _nextId;

    private CdpClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiver = Task.Run(ReceiveLoopAsync);
    }

    public static async Task<CdpClient> ConnectAsync(Uri webSocketDebuggerUrl, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(webSocketDebuggerUrl, ct);
            return new CdpClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a command and returns its <c>result</c>; a protocol error throws.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
            await _sendGate.WaitAsync(ct);
            try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct); }
            finally { _sendGate.Release(); }
            return await reply.Task.WaitAsync(ct);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Runtime.evaluate with returnByValue: the expression's JSON value; a thrown exception throws here.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken ct)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true }, ct);
        if (result.TryGetProperty("exceptionDetails", out var error))
            throw new InvalidOperationException($"page threw evaluating `{expression}`: {error.GetRawText()}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        Exception? failure = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var frame = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (frame.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, frame.Count);
                if (!frame.EndOfMessage) continue;
                Dispatch(message.GetBuffer().AsMemory(0, (int)message.Length));
                message.SetLength(0);
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        foreach (var (_, reply) in _pending)
            reply.TrySetException(new InvalidOperationException("the DevTools connection closed", failure));
    }

    private void Dispatch(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("id", out var idElement) || !_pending.TryGetValue(idElement.GetInt32(), out var reply)) return;
        if (root.TryGetProperty("error", out var error))
            reply.TrySetException(new InvalidOperationException($"DevTools error: {error.GetRawText()}"));
        else
            reply.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
        _stop.Cancel();
        await _receiver.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { });
        _socket.Dispose();
        _stop.Dispose();
        _sendGate.Dispose();
    }
}
