using System.Net;
using System.Net.Http.Json;
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

    [Fact]
    public async Task artifact_uploads_past_the_workspace_quota_are_507_and_store_nothing()
    {
        await using var api = await LoopbackApi.StartAsync("Tracing:Artifacts:WorkspaceQuotaBytes=1000");
        var issuer = api.Services.GetRequiredService<KeyIssuer>();
        var ws = "ws-" + Guid.NewGuid().ToString("N")[..12];
        using var a = api.CreateClient((await issuer.CreateAsync(ws, "proj", "a", [AccessSetup.Read, AccessSetup.Write], default)).Token);
        using var other = api.CreateClient((await issuer.CreateAsync("ws-" + Guid.NewGuid().ToString("N")[..12], "proj", "o",
            [AccessSetup.Read, AccessSetup.Write], default)).Token);
        foreach (var http in new[] { a, other })
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/traces",
                new StringContent("{\"id\":\"s1\"}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        static Task<HttpResponseMessage> Upload(HttpClient http, int bytes) => http.PostAsync("/api/traces/s1/artifacts?kind=log",
            new StringContent(new string('x', bytes), System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, (await Upload(a, 600)).StatusCode);
        var full = await Upload(a, 600);
        Assert.Equal(507, (int)full.StatusCode);
        Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
        Assert.Contains("artifact-quota-exceeded", await full.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, (await Upload(a, 400)).StatusCode); // exactly up to the quota
        Assert.Equal(HttpStatusCode.Created, (await Upload(other, 600)).StatusCode); // another workspace has its own
        var events = await (await a.GetAsync("/api/traces/s1/events")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, events.GetProperty("data").GetArrayLength()); // the refused upload recorded nothing
    }
}
