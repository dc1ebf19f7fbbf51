using Marten;
using Tracing.Domain.Analysis;
using Tracing.Domain.Events;
using Tracing.Projections;
using Tracing.Projections.Sessions;
using Tracing.Workers.Incidents;

namespace Tracing.Workers.Analysis;

/// <summary>
/// Analysis of one session against its write model (<see cref="SessionHead"/>): load the session's events, run the pure
/// detectors, and decide whether the result is new (<see cref="AnalysisRecord"/>). It appends nothing itself: it returns
/// the session stream's events and adds the incident reopens the result causes (<see cref="IncidentRegressions"/>) to
/// the caller's session, so the Wolverine aggregate handlers (<see cref="AnalyzeSessionHandler"/>) commit them in one
/// transaction under the one concurrency retry policy (docs/adr/0023-writes-as-wolverine-commands.md).
/// </summary>
public sealed class SessionAnalyzer(IDocumentStore store, DetectorSet detectors, SessionSize size, TimeProvider clock)
{
    public DetectorSet Detectors => detectors;

    /// <summary>
    /// One analysis in its own session, outside Wolverine: the operator rerun and tests running other detectors. A lost
    /// race (events appended meanwhile) fails this call; a rerun is idempotent and can run again.
    /// </summary>
    public async Task<AnalysisOutcome> AnalyzeAsync(AnalyzeSession cmd, CancellationToken ct)
    {
        await using var session = store.LightweightSession(cmd.WorkspaceId);
        var stream = await session.Events.FetchForWriting<SessionHead>(cmd.StreamKey, ct);
        var (outcome, events) = await DecideAsync(session, cmd, stream.Aggregate, ct);
        if (events.Count == 0) return outcome;
        stream.AppendMany(events);
        await session.SaveChangesAsync(ct);
        return outcome;
    }

    public async Task<(AnalysisOutcome Outcome, IReadOnlyList<object> Events)> DecideAsync(IDocumentSession session, AnalyzeSession cmd,
        SessionHead? head, CancellationToken ct)
    {
        if (head is null) return (AnalysisOutcome.NotFound, []);
        if (!await size.WithinLimitsAsync(cmd.WorkspaceId, cmd.StreamKey, ct)) return (new AnalysisOutcome(true, false, null, TooLarge: true), []);
        var all = (await session.Events.FetchStreamAsync(cmd.StreamKey, token: ct)).Select(e => e.Data).ToList();
        var result = detectors.Analyze(all.OfType<TraceEventRecorded>().ToList(), SessionContext.FromMetadata(head.Metadata));
        var analysis = Build(cmd.SessionId, cmd.ProjectId, result.DetectorVersion, result.LastSeq, result.Findings, [], cmd.Trigger, cmd.Actor);
        return await RecordAsync(session, head, analysis, all.OfType<AnalysisCompleted>(), ct);
    }

    public async Task<(AnalysisOutcome Outcome, IReadOnlyList<object> Events)> DecideAsync(IDocumentSession session,
        RecordExternalAnalysis cmd, SessionHead? head, CancellationToken ct)
    {
        if (head is null) return (AnalysisOutcome.NotFound, []);
        var analysis = Build(cmd.SessionId, cmd.ProjectId, cmd.DetectorVersion, cmd.LastSeq, cmd.Findings, cmd.IncidentLinks, "external", cmd.Actor);
        var earlier = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == cmd.StreamKey && e.EventTypeName == StoreSetup.AnalysisCompletedAlias)
            .ToListAsync(ct);
        return await RecordAsync(session, head, analysis, earlier.Select(e => e.Data).OfType<AnalysisCompleted>(), ct);
    }

    private static async Task<(AnalysisOutcome, IReadOnlyList<object>)> RecordAsync(IDocumentSession session, SessionHead head,
        AnalysisCompleted analysis, IEnumerable<AnalysisCompleted> earlier, CancellationToken ct)
    {
        if (!AnalysisRecord.ShouldRecord(head.LastAnalysisHash, analysis.ResultHash)) return (new AnalysisOutcome(true, false, analysis), []);
        await IncidentRegressions.AppendAsync(session, analysis, earlier, ct);
        return (new AnalysisOutcome(true, true, analysis), [analysis]);
    }

    private AnalysisCompleted Build(string sessionId, string projectId, string version, long lastSeq,
        IReadOnlyList<Finding> findings, IReadOnlyList<string> links, string trigger, string actor) =>
        new(sessionId, projectId, version, lastSeq, findings, links, AnalysisRecord.Hash(version, lastSeq, findings, links),
            trigger, actor, clock.GetUtcNow());
}
