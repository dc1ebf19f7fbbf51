using Tracing.Bench.Soak;
using Xunit;

namespace Tracing.Tests.Soak;

/// <summary>The soak's trend rule (ADR 0030): end over start beyond the ratio and the slack fails; noise does not.</summary>
public sealed class TrendRules
{
    private static SoakSample Sample(double minute, double p50 = 10, double rss = 300, long dead = 500, long xmin = 0, long conns = 20) =>
        new(minute, 1000, p50, p50 * 3, 0, 0, 100, 200, 0, rss, 40, 60, dead, 1000, 10, new(), xmin, conns, 5, 100, 0, 1, 0, 1.0);

    private static List<SoakSample> Run(int n, Func<int, SoakSample> at) => Enumerable.Range(0, n).Select(at).ToList();

    [Fact]
    public void a_flat_run_passes_every_figure()
    {
        var checks = SoakTrends.Evaluate(Run(60, i => Sample(i, p50: 10 + i % 3, rss: 300 + i % 5)));
        Assert.Equal(SoakTrends.Rules.Length, checks.Count);
        Assert.All(checks, c => Assert.True(c.Passed, c.Describe()));
    }

    [Fact]
    public void latency_that_doubles_over_the_run_fails_and_says_which_figure()
    {
        var checks = SoakTrends.Evaluate(Run(60, i => Sample(i, p50: 20 + i * 0.5)));
        var p50 = Assert.Single(checks, c => c.Figure == "append_p50_ms");
        Assert.False(p50.Passed, p50.Describe());
        Assert.Contains("TRENDS", p50.Describe());
        Assert.True(p50.End > p50.Start * 1.5);
    }

    [Fact]
    public void a_pinned_xmin_horizon_and_growing_dead_tuples_fail()
    {
        // What the old leadership did: the horizon's age grows with every transaction, dead versions with every append.
        var checks = SoakTrends.Evaluate(Run(60, i => Sample(i, xmin: 200 + i * 6_000, dead: 500 + i * 6_000)));
        Assert.False(checks.Single(c => c.Figure == "oldest_xmin_age").Passed);
        Assert.False(checks.Single(c => c.Figure == "dead_tuples").Passed);
    }

    [Fact]
    public void small_figures_within_the_absolute_slack_do_not_fail_on_ratio_alone()
    {
        // 2 ms to 5 ms is 2.5x, but within +5 ms: noise on a shared machine, not a trend.
        var checks = SoakTrends.Evaluate(Run(20, i => Sample(i, p50: i < 10 ? 2 : 5, rss: i < 10 ? 300 : 360, conns: i < 10 ? 20 : 24)));
        Assert.All(checks, c => Assert.True(c.Passed, c.Describe()));
        Assert.False(SoakTrends.Evaluate(Run(20, i => Sample(i, rss: i < 10 ? 300 : 400))).Single(c => c.Figure == "rss_mb").Passed);
        Assert.False(SoakTrends.Evaluate(Run(20, i => Sample(i, conns: i < 10 ? 20 : 30))).Single(c => c.Figure == "connections").Passed);
    }

    [Fact]
    public void the_first_sample_is_warm_up_and_each_end_is_a_fifth_of_the_run()
    {
        // A slow first window (JIT) must not make the start look slow and hide a trend.
        var samples = Run(11, i => Sample(i, p50: i == 0 ? 500 : i < 6 ? 10 : 30));
        Assert.Equal(2, SoakTrends.Span(samples.Count));
        var p50 = SoakTrends.Evaluate(samples).Single(c => c.Figure == "append_p50_ms");
        Assert.Equal(10, p50.Start);
        Assert.Equal(30, p50.End);
        Assert.False(p50.Passed);
        Assert.Equal(12, SoakTrends.Span(61));
    }

    [Theory]
    [InlineData("60m", 3600)]
    [InlineData("90s", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("2h", 7200)]
    [InlineData("45", 45)]
    public void durations_parse(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SoakOptions.ParseDuration(text));

    [Fact]
    public void smoke_mode_is_about_two_minutes_and_bad_flags_are_refused()
    {
        var smoke = SoakOptions.Parse(["--smoke"]);
        Assert.True(smoke.Duration + smoke.PeakDuration <= TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.FromSeconds(10), smoke.SampleEvery);
        Assert.Equal(200, smoke.EventsPerSession); // sessions end (and are analysed) within the 90 s even at a low peak
        Assert.Equal(TimeSpan.FromMinutes(60), SoakOptions.Parse([]).Duration);
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(["--duration", "soon"]));
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(["--schema", "x; drop table y"]));
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(["--duration", "2m", "--sample", "1m"]));
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(["--frobnicate"]));
    }
}
