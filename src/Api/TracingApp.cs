using System.Text.Json;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.AspNetCore.Diagnostics;
using Scalar.AspNetCore;
using Tracing.Api.Access;
using Tracing.Api.Artifacts;
using Tracing.Api.Sessions;
using Tracing.Api.ConsoleHost;
using Tracing.Api.Events;
using Tracing.Api.Health;
using Tracing.Api.Infrastructure;
using Tracing.Api.Limits;
using Tracing.Api.Live;
using Tracing.Api.Observability;
using Tracing.Api.Otlp;
using Tracing.Projections;
using Tracing.Workers;
using Tracing.Workers.Hosting;

namespace Tracing.Api;

/// <summary>Composition root of the API host: reads as a table of contents.</summary>
public static class TracingApp
{
    /// <param name="configure">Extra registrations before the app is built (tests add log capture).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The application name is the API assembly's, not the entry assembly's (a test host), so the static web assets
        // manifest of the console (Tracing.Api.staticwebassets.*.json) is found wherever the host runs.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, ApplicationName = typeof(TracingApp).Assembly.GetName().Name,
        });
        // Console assets (blazor.web.js, the console's CSS/JS) straight from a build output too, not only when published.
        builder.WebHost.UseStaticWebAssets();
        var config = builder.Configuration;
        // ./tracing run starts the app from the repo root: the appsettings.json shipped beside the binary is the
        // lowest-precedence source, so log levels and defaults apply wherever the content root is.
        config.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = "appsettings.json", Optional = true, FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });

        builder.AddTracingNode(TracingSettings.RunBackground(config));
        builder.Services.AddSingleton<EventAppender>();
        builder.Services.AddSingleton(ReplayOptions.From(config));
        builder.Services.AddTracingErasure(config);
        builder.Services.AddSingleton<Tracing.Api.Incidents.FixProposalWaiter>();
        builder.Services.AddSingleton<KeyIssuer>();
        builder.Services.AddTracingAccess(config, builder.Environment.ContentRootPath);
        builder.Services.AddTracingArtifacts(config, builder.Environment.ContentRootPath);
        builder.Services.AddTracingConsole(config, ArtifactOptions.From(config, builder.Environment.ContentRootPath).DataDir);
        builder.Services.AddTracingStream(config);
        builder.Services.AddTracingOtlp(config);
        builder.Services.AddSingleton(Tracing.Api.Export.ExportOptions.From(config));
        builder.AddTracingLimits();
        builder.AddRequestLog();
        builder.AddTracingObservability();
        builder.Services.AddTracingProblemDetails();
        builder.Services.AddExceptionHandler<StoreOutageHandler>();
        builder.Services.AddTracingHealth();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Tracing API";
            doc.Info.Description = "Event-sourced trace store for AI agent runs. Authenticate with Authorization: Bearer <project api key | console JWT> (docs/security.md).";
            return Task.CompletedTask;
        }));

        configure?.Invoke(builder);
        var app = builder.Build();
        // Resolved now so a missing signing secret is reported, and an unwritable data folder fails, at start-up.
        app.Services.GetRequiredService<SigningKey>();
        app.Services.GetRequiredService<ServiceCredential>();
        app.Services.GetRequiredService<IArtifactStore>();
        app.ReportAccess();
        app.UseTrustedForwardedHeaders();
        app.UseRequestIds();
        app.UseRequestLog();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authentication: buckets are per credential and workspace
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/scalar");
        app.MapTracingHealth();
        app.MapTracingMetrics();
        app.MapTracingApi();
        app.MapTracingOtlp();
        app.MapLiveViewer();
        app.MapTracingConsole();
        return app;
    }
}
