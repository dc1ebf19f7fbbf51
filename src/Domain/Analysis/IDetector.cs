namespace Tracing.Domain.Analysis;

/// <summary>
/// A pure rule over a session's events. Implementations keep no state between calls and read nothing but the
/// input: no clock, no randomness, no culture, and no client timestamps (<c>Ts</c>, <c>ReceivedAt</c>).
/// </summary>
public interface IDetector
{
    /// <summary>The <c>detector</c> value of every finding this rule returns.</summary>
    string Name { get; }

    IEnumerable<Finding> Detect(AnalysisInput input);
}
