using System.Runtime.CompilerServices;
using System.Text;
using Tracing.Domain.Analysis;
using Xunit;

namespace Tracing.Tests.Analysis;

/// <summary>
/// Each fixture's findings must match the committed expected file byte for byte. After an intended change,
/// regenerate with <c>UPDATE_GOLDEN=1 dotnet test ... --filter "FullyQualifiedName~Tracing.Tests.Analysis.GoldenTests"</c>
/// (that run writes the files and then fails on purpose; it is refused on CI), review the diff like code (a changed
/// finding usually means a detector version bump), and run again without it.
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
            // A regenerating run never counts as a pass: on CI it refuses, locally it writes and then fails, so a
            // green run always means "compared against the committed file".
            Assert.False(GoldenUpdate.OnCi, "UPDATE_GOLDEN=1 is refused on CI: golden files are regenerated locally and reviewed.");
            var target = Path.Combine(SourceGoldenDir(), name + ".expected.json");
            var changed = !File.Exists(target) || File.ReadAllText(target) != actual;
            File.WriteAllText(target, actual, new UTF8Encoding(false));
            Assert.Fail($"UPDATE_GOLDEN=1 wrote {name}.expected.json ({(changed ? "changed" : "unchanged")}); review the diff, then run without it.");
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

    [Fact]
    public void ci_is_recognised_so_golden_updates_are_refused_there()
    {
        Assert.True(GoldenUpdate.IsCi(new Dictionary<string, string?> { ["CI"] = "true" }));
        Assert.True(GoldenUpdate.IsCi(new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true" }));
        Assert.False(GoldenUpdate.IsCi(new Dictionary<string, string?> { ["CI"] = "false" }));
        Assert.False(GoldenUpdate.IsCi(new Dictionary<string, string?>()));
    }

    private static string SourceGoldenDir([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Golden");
}

/// <summary>Where golden files may be regenerated: never on a CI runner (the usual CI / GITHUB_ACTIONS / TF_BUILD markers).</summary>
public static class GoldenUpdate
{
    public static bool OnCi => IsCi(new Dictionary<string, string?>
    {
        ["CI"] = Environment.GetEnvironmentVariable("CI"),
        ["GITHUB_ACTIONS"] = Environment.GetEnvironmentVariable("GITHUB_ACTIONS"),
        ["TF_BUILD"] = Environment.GetEnvironmentVariable("TF_BUILD"),
    });

    public static bool IsCi(IReadOnlyDictionary<string, string?> env) =>
        new[] { "CI", "GITHUB_ACTIONS", "TF_BUILD" }.Any(k =>
            env.TryGetValue(k, out var v) && !string.IsNullOrEmpty(v) && !v.Equals("false", StringComparison.OrdinalIgnoreCase) && v != "0");
}
