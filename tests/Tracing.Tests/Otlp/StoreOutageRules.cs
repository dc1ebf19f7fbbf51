using System.Net.Sockets;
using Npgsql;
using Tracing.Api.Infrastructure;
using Xunit;

namespace Tracing.Tests.Otlp;

/// <summary>Which failures the OTLP endpoint answers 503 + Retry-After (retried by clients) rather than 500.</summary>
public sealed class StoreOutageRules
{
    [Fact]
    public void unreachable_or_timed_out_stores_are_outages_and_bugs_are_not()
    {
        Assert.True(StoreOutage.Is(new NpgsqlException("connection refused", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(StoreOutage.Is(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.False(StoreOutage.Is(new InvalidOperationException("a bug")));
        Assert.False(StoreOutage.Is(new NpgsqlException("not transient")));
    }
}
