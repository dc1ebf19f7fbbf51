using System.Net;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tracing.Api.Access;
using Tracing.Api.Live;
using Tracing.Domain.Access;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Access;

/// <summary>Issue 13, item 3 (part): costly routes are limited per credential; expired stream tickets are purged.</summary>
[Collection(ApiCollection.Name)]
public sealed class CostlyLimits(AppFixture app)
{
    [Fact]
    public async Task stream_tickets_and_analysis_are_limited_per_credential_with_429_and_retry_after()
    {
        await using var api = await LoopbackApi.StartAsync("Tracing:RateLimits:CostlyPerMinute=1", "Tracing:RateLimits:CostlyBurst=2");
        var ws = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var issuer = api.Services.GetRequiredService<KeyIssuer>();
        using var a = api.CreateClient((await issuer.CreateAsync(ws, "proj", "a", [AccessSetup.Read, AccessSetup.Write], default)).Token);
        using var b = api.CreateClient((await issuer.CreateAsync(ws, "proj", "b", [AccessSetup.Read, AccessSetup.Write], default)).Token);

        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/stream/tickets", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/stream/tickets", null)).StatusCode);
        var limited = await a.PostAsync("/api/stream/tickets", null);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        using var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
        Assert.EndsWith("/rate-limited", problem.RootElement.GetProperty("type").GetString());
        // The same bucket covers analyze; another credential has its own; ingest is not drawn from it.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.PostAsync("/api/traces/none/analyze", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.PostAsync("/api/stream/tickets", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsync("/api/traces",
            new StringContent("{\"id\":\"s1\"}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task expired_stream_tickets_and_resume_credentials_are_purged()
    {
        var store = app.Host.Services.GetRequiredService<IDocumentStore>();
        var now = DateTimeOffset.UtcNow;
        var expired = new StreamTicket { Id = "purge-expired-" + Guid.NewGuid().ToString("N"), WorkspaceId = "ws", ExpiresAt = now.AddMinutes(-5) };
        var live = new StreamTicket { Id = "purge-live-" + Guid.NewGuid().ToString("N"), WorkspaceId = "ws", ExpiresAt = now.AddMinutes(5) };
        await using (var session = store.LightweightSession())
        {
            session.Store(expired, live);
            await session.SaveChangesAsync();
        }

        var purge = app.Host.Services.GetServices<IHostedService>().OfType<StreamTicketPurge>().Single();
        await purge.PurgeAsync(now, default);

        await using var query = store.QuerySession();
        Assert.Null(await query.LoadAsync<StreamTicket>(expired.Id));
        Assert.NotNull(await query.LoadAsync<StreamTicket>(live.Id));
    }
}
