using System.Globalization;
using Tracing.Domain.Analysis;
using Tracing.Domain.Events;
using Xunit;
using Xunit.Abstractions;

namespace Tracing.Tests.Analysis;

/// <summary>
/// The same events must give the same bytes whatever the delivery order, the client's clocks, the culture or
/// the number of runs. Every golden fixture plus a 2,000-event synthetic session are checked.
/// </summary>
public class DeterminismTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => new([.. GoldenFixture.Names(), Synthetic]);

    private const string Synthetic = "synthetic";

    [Theory]
    [MemberData(nameof(Cases))]
    public void shuffled_delivery_order_gives_identical_bytes(string name)
    {
        var (events, ctx, settings) = Load(name);
        var baseline = Analyze(events, ctx, settings);
        for (var seed = 1; seed <= 5; seed++)
            Assert.Equal(baseline, Analyze(Shuffled(events, seed), ctx, settings));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void client_timestamps_and_receipt_times_are_ignored(string name)
    {
        var (events, ctx, settings) = Load(name);
        var baseline = Analyze(events, ctx, settings);
        var rng = new Random(7);
        var origin = new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero);
        // Times that run backwards, collide or are missing: any use of them for ordering or windows would show.
        var skewed = events.Select(e => e with
        {
            Ts = rng.Next(3) == 0 ? null : origin.AddSeconds(-rng.Next(100_000)),
            ReceivedAt = origin.AddSeconds(rng.Next(10)),
        }).ToList();
        Assert.Equal(baseline, Analyze(skewed, ctx, settings));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void culture_does_not_change_the_bytes(string name)
    {
        var (events, ctx, settings) = Load(name);
        var baseline = Analyze(events, ctx, settings);
        var version = new DetectorSet(settings).Version; // taken under the invariant culture the run started with
        foreach (var culture in Cultures())
        {
            var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            try
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
                Assert.Equal(baseline, Analyze(events, ctx, settings));
                Assert.Equal(version, new DetectorSet(settings with { }).Version);
            }
            finally
            {
                (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, beforeUi);
            }
        }
    }

    [Fact]
    public void the_hostile_culture_really_changes_number_formatting()
    {
        // Guards the culture test above: if this culture stopped affecting formatting, that test would prove nothing.
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = HostileCulture();
            Assert.Equal("~1,5", (-1.5m).ToString());
            Assert.Equal("~7", $"{-7L}");
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void running_twice_or_on_a_fresh_set_gives_identical_results()
    {
        var (events, ctx, settings) = Load(Synthetic);
        var set = new DetectorSet(settings);
        var first = AnalysisJson.Serialize(set.Analyze(events, ctx));
        Assert.Equal(first, AnalysisJson.Serialize(set.Analyze(events, ctx)));
        Assert.Equal(first, AnalysisJson.Serialize(new DetectorSet(settings).Analyze(events, ctx)));
    }

    [Fact]
    public void the_synthetic_session_exercises_every_detector()
    {
        var (events, ctx, settings) = Load(Synthetic);
        var detectors = new DetectorSet(settings).Analyze(events, ctx).Findings.Select(f => f.Detector).Distinct().Order(StringComparer.Ordinal);
        // unhandled_error cannot fire here: earlier findings explain the error end.
        Assert.Equal(["context_overflow", "empty_output", "llm_error", "loop", "retry_storm", "step_budget", "tool_error"], detectors);
    }

    /// <summary>
    /// The project runs with InvariantGlobalization, where real cultures such as de-DE and tr-TR cannot be
    /// created. A clone of the invariant culture with a different decimal separator and minus sign stands in
    /// for them; real cultures are added whenever the runtime has them.
    /// </summary>
    private IEnumerable<CultureInfo> Cultures()
    {
        yield return HostileCulture();
        foreach (var name in new[] { "de-DE", "tr-TR", "ar-SA", "fa-IR" })
        {
            CultureInfo? culture = null;
            try { culture = CultureInfo.GetCultureInfo(name); }
            catch (CultureNotFoundException) { output.WriteLine($"{name}: not available (invariant globalization); covered by the hostile clone"); }
            if (culture is not null) yield return culture;
        }
    }

    private static CultureInfo HostileCulture()
    {
        var c = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        c.NumberFormat.NegativeSign = "~";
        c.NumberFormat.NumberDecimalSeparator = ",";
        c.NumberFormat.NumberGroupSeparator = ".";
        c.NumberFormat.PercentSymbol = "pct";
        c.DateTimeFormat.DateSeparator = ".";
        c.DateTimeFormat.TimeSeparator = "h";
        return c;
    }

    private static (List<TraceEventRecorded>, SessionContext, DetectorSettings) Load(string name)
    {
        if (name == Synthetic)
            return (SyntheticSession.Build(2_000), new SessionContext(MaxSteps: 40), DetectorSettings.Default with { DefaultContextWindow = 32_000 });
        var f = GoldenFixture.Load(name);
        return ([.. f.Events], f.Context, f.Settings);
    }

    private static string Analyze(IReadOnlyList<TraceEventRecorded> events, SessionContext ctx, DetectorSettings settings) =>
        AnalysisJson.Serialize(new DetectorSet(settings).Analyze(events, ctx));

    private static List<TraceEventRecorded> Shuffled(List<TraceEventRecorded> events, int seed)
    {
        var copy = events.ToArray();
        new Random(seed).Shuffle(copy);
        return [.. copy];
    }
}
