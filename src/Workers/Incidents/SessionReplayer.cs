using Marten;
using Tracing.Domain.Analysis;
using Tracing.Domain.Events;
using Tracing.Domain.Regression;
using Tracing.Domain.Sessions;
using Tracing.Projections.Sessions;

namespace Tracing.Workers.Incidents;

/// <summary>
/// Runs the current detectors over one stored session, the way <c>SessionAnalyzer</c> does, without recording
/// anything: a regression run asks a question of the log, it does not add analyses to it.
/// </summary>
public sealed class SessionReplayer(IDocumentStore store, DetectorSet detectors, Tracing.Workers.Analysis.SessionSize size)
{
    public string DetectorVersion => detectors.Version;

    public async Task<SessionReplay> ReplayAsync(string workspace, string project, string sessionId, string phase,
        string fingerprint, CancellationToken ct)
    {
        var key = SessionIds.StreamKey(project, sessionId);
        await using var session = store.QuerySession(workspace);
        var head = await session.LoadAsync<SessionHead>(key, ct);
        if (head is null) return new SessionReplay(sessionId, phase, null, null, 0, "session_not_found");
        if (!await size.WithinLimitsAsync(workspace, key, ct)) return new SessionReplay(sessionId, phase, null, null, 0, "session_too_large");
        var events = (await session.Events.FetchStreamAsync(key, token: ct)).Select(e => e.Data).OfType<TraceEventRecorded>().ToList();
        var result = detectors.Analyze(events, SessionContext.FromMetadata(head.Metadata));
        return RegressionVerdict.Replay(sessionId, phase, fingerprint, result.Findings);
    }
}
