using Marten;
using Tracing.Projections.Sessions;
using Wolverine;
using Wolverine.Marten;

namespace Tracing.Workers.Analysis;

// Wolverine aggregate handlers on the session stream: Wolverine opens the tenant's session (the envelope's tenant id,
// set by InvokeForTenantAsync), fetches SessionHead for writing, appends the returned events and commits
// (AutoApplyTransactions); a lost race is retried by the one ConcurrencyException policy (WorkersSetup).

public static class AnalyzeSessionHandler
{
    public static async Task<(AnalysisOutcome, Events)> Handle(AnalyzeSession cmd, [WriteAggregate(Required = false)] SessionHead? head,
        IDocumentSession session, SessionAnalyzer analyzer, CancellationToken ct)
    {
        var (outcome, events) = await analyzer.DecideAsync(session, cmd, head, ct);
        return (outcome, [.. events]);
    }
}

public static class RecordExternalAnalysisHandler
{
    public static async Task<(AnalysisOutcome, Events)> Handle(RecordExternalAnalysis cmd, [WriteAggregate(Required = false)] SessionHead? head,
        IDocumentSession session, SessionAnalyzer analyzer, CancellationToken ct)
    {
        var (outcome, events) = await analyzer.DecideAsync(session, cmd, head, ct);
        return (outcome, [.. events]);
    }
}

public static class AnalyzeEndedSessionHandler
{
    // Durable and retried; idempotent because an unchanged result records nothing. The workspace travels in the
    // message, so the trigger needs no tenant on its envelope.
    public static Task<AnalysisOutcome> Handle(AnalyzeEndedSession cmd, IMessageBus bus, CancellationToken ct) =>
        bus.InvokeForTenantAsync<AnalysisOutcome>(cmd.WorkspaceId,
            new AnalyzeSession(cmd.WorkspaceId, cmd.ProjectId, cmd.SessionId, "session_ended", "system"), ct);
}
