using Tracing.Projections.Events;
using Xunit;

namespace Tracing.Tests.Events;

/// <summary>Backpressure and readiness read the read models' lag as the slowest shard of one database against its head.</summary>
public class MeasuringLag
{
    [Fact]
    public void the_lag_is_the_head_minus_the_slowest_shard()
    {
        var lag = ProjectionLag.Of([new("Sessions:All", 900, 1000), new("Fleet:All", 400, 1000), new("Incidents:All", 1000, 1000)]);

        Assert.Equal(1000, lag.Head);
        Assert.Equal(400, lag.Slowest);
        Assert.Equal(600, lag.Events);
    }

    [Fact]
    public void a_shard_without_progress_counts_from_zero()
    {
        Assert.Equal(50, ProjectionLag.Of([new("Sessions:All", 50, 50), new("Fleet:All", 0, 50)]).Events);
    }

    [Fact]
    public void no_shard_is_no_lag_and_a_shard_ahead_of_the_head_is_not_negative_lag()
    {
        Assert.Equal(0, ProjectionLag.Of([]).Events);
        Assert.Equal(0, ProjectionLag.Of([new("Sessions:All", 12, 10)]).Events);
    }
}
