namespace Tracing.Workers.Analysis;

/// <summary>Wolverine handlers: thin adapters over <see cref="SessionAnalyzer"/>.</summary>
public static class AnalyzeSessionHandler
{
    public static Task<AnalysisOutcome> Handle(AnalyzeSession cmd, SessionAnalyzer analyzer, CancellationToken ct) =>
        analyzer.AnalyzeAsync(cmd, ct);
}

public static class AnalyzeEndedSessionHandler
{
    // Durable and retried; idempotent because the analyzer records nothing for an unchanged result.
    public static async Task Handle(AnalyzeEndedSession cmd, SessionAnalyzer analyzer, CancellationToken ct) =>
        await analyzer.AnalyzeAsync(new AnalyzeSession(cmd.WorkspaceId, cmd.ProjectId, cmd.SessionId, "session_ended", "system"), ct);
}

public static class RecordExternalAnalysisHandler
{
    public static Task<AnalysisOutcome> Handle(RecordExternalAnalysis cmd, SessionAnalyzer analyzer, CancellationToken ct) =>
        analyzer.RecordExternalAsync(cmd, ct);
}
