using Npgsql;
using Tracing.Api.Infrastructure;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Outages;

[Collection(ApiCollection.Name)]
public sealed class HealthProbes(AppFixture app)
{
    [Fact]
    public async Task readiness_reports_each_check_and_liveness_runs_none()
    {
        var client = await app.NewClientAsync();
        var ready = await client.Get("/health/ready", bearer: "");
        Assert.Equal(200, ready.Status);
        Assert.Equal("healthy", ready.Body.GetProperty("status").GetString());
        var checks = ready.Body.GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("projection_lag").GetProperty("status").GetString());

        var live = await client.Get("/health/live", bearer: "");
        Assert.Equal(200, live.Status);
        Assert.Empty(live.Body.GetProperty("checks").EnumerateObject());
        Assert.Equal(200, (await client.Get("/healthz", bearer: "")).Status);
    }

    [Fact]
    public void connection_failures_and_timeouts_are_outages_and_sql_errors_are_not()
    {
        Assert.True(StoreOutage.Is(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))));
        Assert.True(StoreOutage.Is(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.True(StoreOutage.Is(new PostgresException("terminating", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown)));
        Assert.True(StoreOutage.Is(new PostgresException("no", "FATAL", "FATAL", PostgresErrorCodes.ConnectionFailure)));
        Assert.False(StoreOutage.Is(new PostgresException("dup", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.False(StoreOutage.Is(new InvalidOperationException("a bug")));
    }
}
