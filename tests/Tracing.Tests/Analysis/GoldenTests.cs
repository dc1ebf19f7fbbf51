using System.Runtime.CompilerServices;
using System.Text;
using Tracing.Domain.Analysis;
using Xunit;

namespace Tracing.Tests.Analysis;

/// <summary>
/// Each fixture's findings must match the committed expected file byte for byte. After an intended change,
/// regenerate with <c>UPDATE_GOLDEN=1 dotnet test ... --filter "FullyQualifiedName~Tracing.Tests.Analysis.GoldenTests"</c>
/// and review the diff like code (a changed finding usually means a detector version bump).
/// </summary>
public class GoldenTests
{
    public static TheoryData<string> Fixtures() => new(GoldenFixture.Names());

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void findings_match_the_committed_expected_file(string name)
    {
        var actual = GoldenFixture.Load(name).Run();
        var expectedPath = Path.Combine(GoldenFixture.OutputDir, name + ".expected.json");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceGoldenDir(), name + ".expected.json"), actual, new UTF8Encoding(false));
            return;
        }

        Assert.True(File.Exists(expectedPath), $"missing {name}.expected.json; actual output:\n{actual}");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
        Assert.Equal(File.ReadAllBytes(expectedPath), new UTF8Encoding(false).GetBytes(actual));
    }

    [Fact]
    public void there_is_a_positive_and_a_near_miss_fixture_for_every_detector()
    {
        var names = GoldenFixture.Names().ToList();
        string[] detectors = ["tool_error", "llm_error", "loop", "retry_storm", "context_overflow", "empty_output", "step_budget", "unhandled_error"];
        foreach (var d in detectors)
        {
            Assert.Contains(names, n => n.StartsWith(d + ".", StringComparison.Ordinal) && !n.EndsWith(".near_miss", StringComparison.Ordinal));
            Assert.Contains(d + ".near_miss", names);
        }
    }

    [Fact]
    public void near_miss_fixtures_produce_no_finding_of_their_detector()
    {
        foreach (var name in GoldenFixture.Names().Where(n => n.EndsWith(".near_miss", StringComparison.Ordinal)))
        {
            var fixture = GoldenFixture.Load(name);
            var detector = name[..name.IndexOf('.')];
            var result = new DetectorSet(fixture.Settings).Analyze(fixture.Events, fixture.Context);
            Assert.DoesNotContain(result.Findings, f => f.Detector == detector);
        }
    }

    private static string SourceGoldenDir([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Golden");
}
