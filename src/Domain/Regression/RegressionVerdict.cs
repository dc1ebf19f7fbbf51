using Tracing.Domain.Analysis;

namespace Tracing.Domain.Regression;

public sealed record PhaseCounts(int Sessions, int Reproduced);

public sealed record VerdictResult(string Verdict, string Reason, PhaseCounts Before, PhaseCounts After);

/// <summary>The regression rules, pure (docs/adr/0008-incidents.md).</summary>
public static class RegressionVerdict
{
    public const string Fixed = "fixed", NotFixed = "not_fixed", Inconclusive = "inconclusive";

    /// <summary>The replayed session shows the incident's failure: one of its findings has the fingerprint.</summary>
    public static SessionReplay Replay(string sessionId, string phase, string fingerprint, IReadOnlyList<Finding> findings)
    {
        var hit = findings.FirstOrDefault(f => f.Fingerprint == fingerprint);
        return new SessionReplay(sessionId, phase, hit is not null, hit?.CriticalStep, findings.Count, null);
    }

    /// <summary>
    /// One reproducing after-session is enough for <c>not_fixed</c>. Otherwise fewer than <paramref name="minAfter"/>
    /// replayed after-sessions is <c>inconclusive</c>, and so is a run whose before-sessions no longer reproduce (the
    /// detectors cannot see the failure any more, so its absence proves nothing). Else <c>fixed</c>.
    /// Sessions that could not be replayed count in neither phase.
    /// </summary>
    public static VerdictResult Decide(IReadOnlyList<SessionReplay> results, int minAfter)
    {
        PhaseCounts Count(string phase)
        {
            var replayed = results.Where(r => r.Phase == phase && r.Reproduced is not null).ToList();
            return new PhaseCounts(replayed.Count, replayed.Count(r => r.Reproduced == true));
        }
        var before = Count(RegressionPhase.Before);
        var after = Count(RegressionPhase.After);
        var (verdict, reason) = true switch
        {
            _ when after.Reproduced > 0 => (NotFixed, "reproduced_after"),
            _ when after.Sessions < minAfter => (Inconclusive, "too_few_after_sessions"),
            _ when before.Sessions > 0 && before.Reproduced == 0 => (Inconclusive, "not_reproduced_before"),
            _ => (Fixed, "not_reproduced_after"),
        };
        return new VerdictResult(verdict, reason, before, after);
    }
}
