using System.Security.Claims;
using Microsoft.Extensions.Logging.Abstractions;
using Tracing.Api.Access;
using Tracing.Api.Limits;
using Xunit;

namespace Tracing.Tests.Access;

public sealed class LimitRules
{
    [Theory]
    [InlineData(200, 400, 400, 20, 100)]
    [InlineData(1000, 2000, 2000, 100, 100)]
    [InlineData(15, 30, 30, 2, 133.333)]
    [InlineData(1, 3, 3, 1, 1000)]
    [InlineData(4, 4, 4, 1, 250)]
    public void a_bucket_refills_its_rate_in_small_steps(int perSecond, int burst, int limit, int tokens, double periodMs)
    {
        var shape = BucketShape.For(perSecond, burst);
        Assert.Equal((limit, tokens), (shape.TokenLimit, shape.TokensPerPeriod));
        Assert.Equal(periodMs, shape.Period.TotalMilliseconds, 0.01);
        Assert.Equal(perSecond, shape.TokensPerPeriod / shape.Period.TotalSeconds, 0.01);
    }

    [Theory]
    [InlineData(0, 50_000, null)]
    [InlineData(50_000, 50_000, null)]
    [InlineData(50_001, 50_000, 1)]
    [InlineData(60_000, 50_000, 3)]
    [InlineData(10_000_000, 50_000, 30)]
    [InlineData(10_000_000, 0, null)]
    public void ingest_pauses_only_beyond_the_bound_for_a_while_that_grows_with_the_excess(long lag, long max, int? seconds)
    {
        Assert.Equal(seconds, (int?)Backpressure.Decide(lag, max)?.TotalSeconds);
    }

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer"));

    [Fact]
    public void buckets_are_per_credential_with_the_service_credential_split_by_tenant()
    {
        Assert.Equal("key:abc", LimitPartitions.Credential(User((ClaimTypes.Name, "key:abc"), (Caller.WorkspaceClaim, "w"))));
        Assert.Equal("user:u1", LimitPartitions.Credential(User((ClaimTypes.Name, "user:u1"))));
        Assert.Equal("service:w/p", LimitPartitions.Credential(User((ClaimTypes.Name, "service"), (Caller.WorkspaceClaim, "w"), (Caller.ProjectClaim, "p"))));
        Assert.Equal("w", LimitPartitions.Workspace(User((ClaimTypes.Name, "key:abc"), (Caller.WorkspaceClaim, "w"))));
        Assert.Null(LimitPartitions.Credential(new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.Null(LimitPartitions.Workspace(new ClaimsPrincipal(new ClaimsIdentity())));
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task the_lag_is_measured_at_most_once_per_interval()
    {
        var clock = new ManualClock();
        var measured = 0;
        var sampler = new LagSampler(_ => Task.FromResult((long)++measured * 100), clock, TimeSpan.FromMilliseconds(500),
            NullLogger<LagSampler>.Instance);

        Assert.Equal(100, await sampler.CurrentAsync(default));
        clock.Now += TimeSpan.FromMilliseconds(499);
        var again = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sampler.CurrentAsync(default).AsTask()));
        Assert.All(again, v => Assert.Equal(100, v));
        Assert.Equal(1, measured);

        clock.Now += TimeSpan.FromMilliseconds(1);
        Assert.Equal(200, await sampler.CurrentAsync(default)); // stale: this caller measures anew
        Assert.Equal(200, await sampler.CurrentAsync(default));
        Assert.Equal(2, measured);
    }

    [Fact]
    public async Task while_one_caller_measures_the_others_keep_the_last_value()
    {
        var clock = new ManualClock();
        var gate = new TaskCompletionSource<long>();
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var sampler = new LagSampler(_ =>
        {
            if (++calls == 1) return Task.FromResult(7L);
            secondStarted.TrySetResult();
            return gate.Task;
        }, clock, TimeSpan.FromMilliseconds(500), NullLogger<LagSampler>.Instance);
        Assert.Equal(7, await sampler.CurrentAsync(default));
        clock.Now += TimeSpan.FromSeconds(1);
        var measuring = sampler.CurrentAsync(default).AsTask();
        await secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, await sampler.CurrentAsync(default));
        gate.SetResult(9);
        Assert.Equal(9, await measuring);
        Assert.Equal(9, await sampler.CurrentAsync(default));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task a_failed_measurement_keeps_the_last_value()
    {
        var clock = new ManualClock();
        var fail = false;
        var sampler = new LagSampler(_ => fail ? throw new InvalidOperationException("db down") : Task.FromResult(42L), clock,
            TimeSpan.FromMilliseconds(500), NullLogger<LagSampler>.Instance);
        Assert.Equal(42, await sampler.CurrentAsync(default));
        fail = true;
        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Equal(42, await sampler.CurrentAsync(default));
        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Equal(42, await sampler.CurrentAsync(default));
    }
}
