using Tracing.Api.Access;
using Tracing.Api.Limits;

namespace Tracing.Api.Live;

public static class StreamSetup
{
    public static IServiceCollection AddTracingStream(this IServiceCollection services, IConfiguration config)
    {
        var options = new StreamOptions();
        config.GetSection("Tracing:Stream").Bind(options);
        services.AddSingleton(options);
        services.AddSingleton<StreamHub>();
        services.AddSingleton(new BackfillGate(options.MaxConcurrentBackfills));
        services.AddHostedService(sp => sp.GetRequiredService<StreamHub>());
        services.AddHostedService<StreamTicketPurge>();
        return services;
    }

    public static void MapTracingStream(this RouteGroupBuilder api)
    {
        api.MapGet("/stream", StreamEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read).RequireStreamLimits()
            .WithName("Stream").WithTags("Stream")
            .WithSummary("Live, workspace-scoped Server-Sent Events with exact backfill")
            .WithDescription(
                "Messages: event.appended (a stored event), session.updated (status changes), analysis.completed, incident.updated. " +
                "Without session_id, each message id is the event store's global position and after_seq means that position; " +
                "with session_id, the id is the session's seq and after_seq means that seq. The Last-Event-ID header wins over " +
                "after_seq. The server backfills every stored event after the cursor, in order, then continues live. " +
                "Filters project_id, session_id and types (comma-separated message or event types) only narrow the caller's scope. " +
                "Browsers authenticate with ?ticket= from POST /api/stream/tickets.")
            .Produces(200, contentType: "text/event-stream").ProducesProblem(422);

        api.MapPost("/stream/tickets", (Caller caller, StreamTickets tickets, CancellationToken ct) => tickets.IssueAsync(caller, ct))
            .RequireAuthorization(AccessSetup.Read).RequireCostlyLimits()
            .WithName("CreateStreamTicket").WithTags("Stream")
            .WithSummary("A single-use ticket (60 s) for EventSource clients, which cannot send Authorization")
            .Produces<TicketView>(200);
    }
}
