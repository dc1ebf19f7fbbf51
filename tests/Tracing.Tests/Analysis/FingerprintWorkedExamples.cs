using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Tracing.Tests.Analysis;

/// <summary>
/// The fingerprint formula checked against the hand-worked examples in docs/detectors.md ("Worked examples"), not
/// against the implementation's own output: the text is hashed here with SHA-256 directly, and the golden fixture's
/// finding must carry the same value.
/// </summary>
public class FingerprintWorkedExamples
{
    public sealed record Example(string Fixture, string Detector, long CriticalStep, string Text, string Fingerprint);

    public static TheoryData<string> Rows() => new(Examples().Select(e => $"{e.Fixture}/{e.Detector}@{e.CriticalStep}"));

    [Fact]
    public void the_doc_has_worked_examples() => Assert.True(Examples().Count >= 3, "docs/detectors.md lost its worked examples");

    [Theory]
    [MemberData(nameof(Rows))]
    public void the_documented_text_hashes_to_the_documented_value_and_the_detector_agrees(string row)
    {
        var e = Examples().Single(x => $"{x.Fixture}/{x.Detector}@{x.CriticalStep}" == row);

        var hashed = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.Text.Replace('␟', '\u001f'))))[..16];
        Assert.Equal(e.Fingerprint, hashed);

        var fixture = GoldenFixture.Load(e.Fixture);
        var findings = new Tracing.Domain.Analysis.DetectorSet(fixture.Settings).Analyze(fixture.Events, fixture.Context).Findings;
        var finding = Assert.Single(findings, f => f.Detector == e.Detector && f.CriticalStep == e.CriticalStep);
        Assert.Equal(e.Fingerprint, finding.Fingerprint);
    }

    private static List<Example> Examples()
    {
        var lines = File.ReadAllLines(DocPath());
        var start = Array.FindIndex(lines, l => l.StartsWith("### Worked examples", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/detectors.md has no '### Worked examples' section");
        return lines.Skip(start + 1)
            .SkipWhile(l => !l.StartsWith("| fixture", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1..^1].Select(c => c.Trim('`')).ToArray())
            .Select(c => new Example(c[0], c[1], long.Parse(c[2]), c[3], c[4]))
            .ToList();
    }

    private static string DocPath([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "docs", "detectors.md"));
}
