using System.Security.Cryptography;
using System.Text;
using Tracing.Domain.Analysis.Detectors;
using Tracing.Domain.Events;

namespace Tracing.Domain.Analysis;

/// <summary>
/// Runs every detector over one session and orders the findings. Deterministic: the same events (in any
/// delivery order, with any client timestamps, under any culture) give the same result, byte for byte.
/// </summary>
public sealed class DetectorSet
{
    /// <summary>Bump when a rule, label, confidence or fingerprint input changes (docs/detectors.md).</summary>
    public const string BaseVersion = "detectors@1";

    private readonly IReadOnlyList<IDetector> detectors =
    [
        new ToolErrorDetector(), new LlmErrorDetector(), new LoopDetector(), new RetryStormDetector(),
        new ContextOverflowDetector(), new EmptyOutputDetector(), new StepBudgetDetector(),
    ];

    public DetectorSet(DetectorSettings? settings = null)
    {
        Settings = settings ?? DetectorSettings.Default;
        if (SettingsCheck.Problem(Settings) is { } problem) throw new ArgumentException(problem, nameof(settings));
        Version = VersionFor(Settings);
    }

    public DetectorSettings Settings { get; }

    /// <summary><see cref="BaseVersion"/>, plus "+" and 8 hex of the settings' hash when they differ from the defaults.</summary>
    public string Version { get; }

    public AnalysisResult Analyze(IReadOnlyList<TraceEventRecorded> eventsInSeqOrder, SessionContext ctx)
    {
        // Sort defensively, on stored identity only: never Ts or ReceivedAt. The tie-breaks only matter for
        // corrupt input (the store keeps seqs unique) but make even that deterministic.
        var events = eventsInSeqOrder
            .OrderBy(e => e.Seq)
            .ThenBy(e => e.IdempotencyKey, StringComparer.Ordinal)
            .ThenBy(e => e.ContentHash, StringComparer.Ordinal)
            .ToList();
        var input = new AnalysisInput(events, ctx, Settings);

        var findings = detectors.SelectMany(d => d.Detect(input)).ToList();
        findings.AddRange(UnhandledErrorDetector.Detect(input, findings));
        findings.Sort(FindingOrder.Instance);
        return new AnalysisResult(Version, findings, events.Count == 0 ? 0 : events[^1].Seq);
    }

    private static string VersionFor(DetectorSettings settings)
    {
        var canonical = settings.Canonical();
        if (canonical == DetectorSettings.Default.Canonical()) return BaseVersion;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        return $"{BaseVersion}+{hash[..8]}";
    }
}
