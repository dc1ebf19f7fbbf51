using Marten;
using Tracing.Domain.Analysis;
using Tracing.Domain.Events;
using Tracing.Domain.Sessions;
using Tracing.Projections;
using Tracing.Projections.Sessions;

namespace Tracing.Workers.Analysis;

/// <summary>Run the detectors on one session (on demand, on session end, or in a rerun).</summary>
public sealed record AnalyzeSession(string WorkspaceId, string ProjectId, string SessionId, string Trigger, string Actor);

/// <summary>Durable trigger published (through the outbox) when a session.ended event is committed.</summary>
public sealed record AnalyzeEndedSession(string WorkspaceId, string ProjectId, string SessionId);

/// <summary>A result produced elsewhere on the server side (PUT /api/traces/{id}/analysis).</summary>
public sealed record RecordExternalAnalysis(
    string WorkspaceId, string ProjectId, string SessionId, string DetectorVersion, long LastSeq,
    IReadOnlyList<Finding> Findings, IReadOnlyList<string> IncidentLinks, string Actor);

/// <param name="TooLarge">The session is beyond <see cref="AnalysisLimits"/>: nothing was loaded or recorded.</param>
public sealed record AnalysisOutcome(bool Found, bool Recorded, AnalysisCompleted? Analysis, bool TooLarge = false);

/// <summary>
/// The side-effect shell around the pure detectors: load the session's events in seq order, analyse, and append
/// <see cref="AnalysisCompleted"/> to the session stream unless the result equals the latest recorded one.
/// </summary>
public sealed class SessionAnalyzer(IDocumentStore store, DetectorSet detectors, SessionSize size, TimeProvider clock)
{
    private const int MaxAttempts = 5;

    public DetectorSet Detectors => detectors;

    public async Task<AnalysisOutcome> AnalyzeAsync(AnalyzeSession cmd, CancellationToken ct)
    {
        if (!await size.WithinLimitsAsync(cmd.WorkspaceId, SessionIds.StreamKey(cmd.ProjectId, cmd.SessionId), ct))
            return new AnalysisOutcome(true, false, null, TooLarge: true);
        return await RecordAsync(cmd.WorkspaceId, cmd.ProjectId, cmd.SessionId, async (session, key, head) =>
        {
            var events = (await session.Events.FetchStreamAsync(key, token: ct))
                .Select(e => e.Data).OfType<TraceEventRecorded>().ToList();
            var result = detectors.Analyze(events, SessionContext.FromMetadata(head.Metadata));
            return Build(cmd.SessionId, cmd.ProjectId, result.DetectorVersion, result.LastSeq, result.Findings, [], cmd.Trigger, cmd.Actor);
        }, ct);
    }

    public Task<AnalysisOutcome> RecordExternalAsync(RecordExternalAnalysis cmd, CancellationToken ct) =>
        RecordAsync(cmd.WorkspaceId, cmd.ProjectId, cmd.SessionId, (_, _, _) => Task.FromResult(
            Build(cmd.SessionId, cmd.ProjectId, cmd.DetectorVersion, cmd.LastSeq, cmd.Findings, cmd.IncidentLinks, "external", cmd.Actor)), ct);

    private AnalysisCompleted Build(string sessionId, string projectId, string version, long lastSeq,
        IReadOnlyList<Finding> findings, IReadOnlyList<string> links, string trigger, string actor) =>
        new(sessionId, projectId, version, lastSeq, findings, links, AnalysisRecord.Hash(version, lastSeq, findings, links),
            trigger, actor, clock.GetUtcNow());

    private async Task<AnalysisOutcome> RecordAsync(string workspace, string project, string sessionId,
        Func<IDocumentSession, string, SessionHead, Task<AnalysisCompleted>> analyse, CancellationToken ct)
    {
        var key = SessionIds.StreamKey(project, sessionId);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(workspace);
            var stream = await session.Events.FetchForWriting<SessionHead>(key, ct);
            if (stream.Aggregate is null) return new AnalysisOutcome(false, false, null);

            var analysis = await analyse(session, key, stream.Aggregate);
            if (!AnalysisRecord.ShouldRecord(stream.Aggregate.LastAnalysisHash, analysis.ResultHash))
                return new AnalysisOutcome(true, false, analysis);

            stream.AppendOne(analysis);
            try
            {
                await session.SaveChangesAsync(ct);
                return new AnalysisOutcome(true, true, analysis);
            }
            catch (Exception ex) when (attempt < MaxAttempts && LostRace.Is(ex))
            {
                // Events arrived while we analysed: analyse again on the newer stream.
            }
        }
    }
}
