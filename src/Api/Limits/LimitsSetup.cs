using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Tracing.Api.Infrastructure;
using Tracing.Projections.Events;

namespace Tracing.Api.Limits;

/// <summary>Marks an ingest route: token buckets per credential and workspace, and backpressure.</summary>
public sealed class IngestLimited;

/// <summary>Marks the live stream: concurrent connections per credential and workspace.</summary>
public sealed class StreamLimited;

/// <summary>Marks a costly route (stream tickets, analyze, fix-agent, regression runs): a slow token bucket per credential.</summary>
public sealed class CostlyLimited;

/// <summary>Rate limits, backpressure and request-size limits: registration and route conventions.</summary>
public static class LimitsSetup
{
    public const int StreamRetryAfterSeconds = 5;

    /// <summary>Kestrel's own limits (answered by Kestrel itself: 431 / 414 / 413, without a problem body).</summary>
    public const int MaxRequestHeadersTotalSize = 32 * 1024;
    public const int MaxRequestHeaderCount = 64;
    public const int MaxRequestLineSize = 8 * 1024;

    /// <summary>Routes that read a body raise this per request to their own limit (JsonBody, artifact uploads).</summary>
    public const long DefaultMaxRequestBodySize = 1024 * 1024;

    public static WebApplicationBuilder AddTracingLimits(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestHeadersTotalSize = config.GetValue("Tracing:Limits:MaxRequestHeadersTotalSize", MaxRequestHeadersTotalSize);
            k.Limits.MaxRequestHeaderCount = config.GetValue("Tracing:Limits:MaxRequestHeaderCount", MaxRequestHeaderCount);
            k.Limits.MaxRequestLineSize = config.GetValue("Tracing:Limits:MaxRequestLineSize", MaxRequestLineSize);
            k.Limits.MaxRequestBodySize = DefaultMaxRequestBodySize;
        });

        var services = builder.Services;
        var rates = RateLimitOptions.From(config);
        var backpressure = BackpressureOptions.From(config);
        services.AddSingleton(rates);
        services.AddSingleton(backpressure);
        services.AddSingleton(sp =>
        {
            var progress = sp.GetRequiredService<ProjectionProgress>();
            return new LagSampler(async ct => (await progress.MeasureAsync(ct)).Events, sp.GetRequiredService<TimeProvider>(),
                TimeSpan.FromMilliseconds(backpressure.SampleMilliseconds), sp.GetRequiredService<ILogger<LagSampler>>());
        });
        services.AddSingleton<BackpressureFilter>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (ctx, _) => RejectAsync(ctx, rates);
            if (!rates.Enabled) return;
            // One chain for every request; each limiter is a no-op outside the routes its marker is on.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Buckets<IngestLimited>(LimitPartitions.Credential, BucketShape.For(rates.KeyPerSecond, rates.KeyBurst)),
                Buckets<IngestLimited>(LimitPartitions.Workspace, BucketShape.For(rates.WorkspacePerSecond, rates.WorkspaceBurst)),
                Connections<StreamLimited>(LimitPartitions.Credential, rates.StreamsPerKey),
                Connections<StreamLimited>(LimitPartitions.Workspace, rates.StreamsPerWorkspace),
                Buckets<CostlyLimited>(LimitPartitions.Credential, BucketShape.PerMinute(rates.CostlyPerMinute, rates.CostlyBurst)));
        });
        return builder;
    }

    public static RouteHandlerBuilder RequireIngestLimits(this RouteHandlerBuilder route) =>
        route.WithMetadata(new IngestLimited()).AddEndpointFilter<BackpressureFilter>().ProducesProblem(429);

    public static RouteHandlerBuilder RequireStreamLimits(this RouteHandlerBuilder route) =>
        route.WithMetadata(new StreamLimited()).ProducesProblem(429);

    public static RouteHandlerBuilder RequireCostlyLimits(this RouteHandlerBuilder route) =>
        route.WithMetadata(new CostlyLimited()).ProducesProblem(429);

    private static PartitionedRateLimiter<HttpContext> Buckets<TMarker>(Func<System.Security.Claims.ClaimsPrincipal, string?> key, BucketShape shape) where TMarker : class =>
        PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            ctx.GetEndpoint()?.Metadata.GetMetadata<TMarker>() is null || key(ctx.User) is not { } k
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetTokenBucketLimiter(k, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = shape.TokenLimit, TokensPerPeriod = shape.TokensPerPeriod, ReplenishmentPeriod = shape.Period,
                    QueueLimit = 0, AutoReplenishment = true,
                }));

    private static PartitionedRateLimiter<HttpContext> Connections<TMarker>(Func<System.Security.Claims.ClaimsPrincipal, string?> key, int permits) where TMarker : class =>
        PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            ctx.GetEndpoint()?.Metadata.GetMetadata<TMarker>() is null || key(ctx.User) is not { } k
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetConcurrencyLimiter(k, _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 }));

    private static ValueTask RejectAsync(OnRejectedContext ctx, RateLimitOptions rates)
    {
        var http = ctx.HttpContext;
        var stream = http.GetEndpoint()?.Metadata.GetMetadata<StreamLimited>() is not null;
        var costly = http.GetEndpoint()?.Metadata.GetMetadata<CostlyLimited>() is not null;
        var wait = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? retryAfter : TimeSpan.FromSeconds(stream ? StreamRetryAfterSeconds : 1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = costly
            ? $"This operation is limited to {rates.CostlyPerMinute} per minute per credential (burst {rates.CostlyBurst}). Retry after {seconds} s."
            : stream
            ? $"Too many open streams: at most {rates.StreamsPerKey} per credential and {rates.StreamsPerWorkspace} per workspace on this node. " +
              $"Retry after {seconds} s."
            : $"Ingest is limited to {rates.KeyPerSecond} requests/s per credential (burst {rates.KeyBurst}) and " +
              $"{rates.WorkspacePerSecond}/s per workspace (burst {rates.WorkspaceBurst}). Retry after {seconds} s.";
        return new ValueTask(ProblemWriter.WriteAsync(http, 429, "rate-limited", "Too many requests", detail));
    }
}
