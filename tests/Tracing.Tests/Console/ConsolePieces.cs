using Tracing.Api.ConsoleHost;
using Tracing.WebConsole.Overview;
using Xunit;

namespace Tracing.Tests.Console;

/// <summary>Pure pieces of the console: the sign-in return path guard and the overview's buckets over stats rows.</summary>
public sealed class ConsolePieces
{
    [Theory]
    [InlineData("/incidents?status=open", "/incidents?status=open")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void after_sign_in_only_a_path_of_this_site_is_followed(string? returnUrl, string expected) =>
        Assert.Equal(expected, ConsolePrincipal.LocalPath(returnUrl));

    [Fact]
    public void overview_buckets_take_the_stats_rows_by_key_and_leave_gaps_empty()
    {
        static StatsRow Row(string key, long sessions, long failed) => new(key, sessions, sessions, failed, (double)failed / sessions,
            10, 1, 0.1, new StepStats(2, 0, 0, new LatencyView(2, 120, 900, 900)), new StepStats(0, 0, null, new LatencyView(0, null, null, null)),
            100, 20, 0.5m, 0m);
        var from = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

        var hours = OverviewStats.Buckets([Row("2026-11-27T09:00:00Z", 4, 1), Row("2026-11-27T11:00:00Z", 2, 0)], from, TimeSpan.FromHours(1), 4);
        Assert.Equal([0L, 4, 0, 2], hours.Select(b => b.Sessions));
        Assert.Equal([0, 0.25, 0, 0], hours.Select(b => b.ErrorRate));
        Assert.Equal([0, 900.0, 0, 900], hours.Select(b => b.LlmP95));
        Assert.Equal(120, hours[1].Tokens);

        var days = OverviewStats.Buckets([Row("2026-11-28", 3, 3)], new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1), 2);
        Assert.Equal([0L, 3], days.Select(b => b.Sessions));
        Assert.Equal("2026-11-27T08:00:00Z", OverviewStats.Key(from, TimeSpan.FromHours(1)));
    }
}
