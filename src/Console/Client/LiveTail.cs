using Microsoft.JSInterop;

namespace Tracing.WebConsole.Client;

/// <summary>One message of the API's live stream, as the page's EventSource received it.</summary>
public sealed record LiveMessage(string Type, string Id, string Data);

/// <summary>
/// A live subscription of a page: the server side asks the API for a single-use stream ticket with the user's JWT, and
/// the browser's EventSource (console.js) opens GET /api/stream with it. Reconnects after a drop resume by
/// <c>Last-Event-ID</c> on the stream's resume cookie (ADR 0005), so the API backfills exactly what was missed.
/// Tickets are always workspace-wide (narrowed by query parameters), so every resume cookie has one scope.
/// </summary>
public sealed class LiveTail : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<LiveMessage>, Task> _onMessages;
    private readonly Action<int, int>? _onConnection;
    private DotNetObjectReference<LiveTail>? _self;
    private IJSObjectReference? _handle;

    private LiveTail(Func<IReadOnlyList<LiveMessage>, Task> onMessages, Action<int, int>? onConnection)
    {
        _onMessages = onMessages;
        _onConnection = onConnection;
    }

    public static async Task<(LiveTail? Tail, string? Error)> StartAsync(IJSRuntime js, ConsoleApi api, string query, string[] types,
        Func<IReadOnlyList<LiveMessage>, Task> onMessages, Action<int, int>? onConnection = null)
    {
        var ticket = await api.PostAsync<TicketRow>("/api/stream/tickets", new { });
        if (!ticket.Ok || ticket.Value is null) return (null, ticket.Message);
        var tail = new LiveTail(onMessages, onConnection);
        tail._self = DotNetObjectReference.Create(tail);
        var module = await js.InvokeAsync<IJSObjectReference>("import", "./_content/Tracing.Console/console.js");
        var url = $"/api/stream?{query}&types={Uri.EscapeDataString(string.Join(",", types))}&ticket={Uri.EscapeDataString(ticket.Value.Ticket)}";
        tail._handle = await module.InvokeAsync<IJSObjectReference>("tail", tail._self, url, types);
        return (tail, null);
    }

    [JSInvokable]
    public Task OnMessages(LiveMessage[] batch) => _onMessages(batch);

    [JSInvokable]
    public void OnConnection(int opens, int errors) => _onConnection?.Invoke(opens, errors);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_handle is not null)
            {
                await _handle.InvokeVoidAsync("close");
                await _handle.DisposeAsync();
            }
        }
        catch (JSDisconnectedException) { }
        _self?.Dispose();
    }
}
