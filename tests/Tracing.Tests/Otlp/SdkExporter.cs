using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tracing.Api.Otlp.Proto;
using Tracing.Tests.Support;

namespace Tracing.Tests.Otlp;

/// <summary>
/// The real OpenTelemetry .NET SDK (TracerProvider + OTLP exporter, HttpProtobuf) exporting to the shared test host.
/// The .NET exporter speaks protobuf only; for the JSON protocol its requests are re-encoded into OTLP JSON on the
/// way (same spans, same bytes decoded), as a JSON exporter (JS, Python, a Collector) would send them.
/// Each instance has its own ActivitySource, so parallel tests never see each other's spans.
/// </summary>
public sealed class SdkExporter : IDisposable
{
    private readonly TracerProvider _provider;
    public ActivitySource Source { get; }
    public List<byte[]> SentBodies { get; } = [];
    public List<string> Answers { get; } = [];
    public List<string> Paths { get; } = [];
    private readonly SemaphoreSlim _answered = new(0);

    /// <param name="environment">
    /// When given, the exporter is configured only by these OTEL_* variables (read by the SDK through IConfiguration,
    /// exactly as from the process environment), not by code: the README's set-up.
    /// </param>
    public SdkExporter(AppFixture app, string token, bool json, string path = "/v1/traces", string service = "planner-service",
        IDictionary<string, string?>? environment = null)
    {
        Source = new ActivitySource("agent-" + Guid.NewGuid().ToString("N")[..8]);
        var handler = new Capture(app.Host.Server.CreateHandler(), json, SentBodies, Answers, _answered, Paths);
        var builder = Sdk.CreateTracerProviderBuilder();
        if (environment is not null)
            builder.ConfigureServices(s => s.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(environment).Build()));
        _provider = builder
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(Source.Name)
            .AddOtlpExporter(o =>
            {
                if (environment is null)
                {
                    o.Endpoint = new Uri("http://localhost" + path);
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.Headers = $"Authorization=Bearer {token}";
                }
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.HttpClientFactory = () => new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri("http://localhost") };
            })
            .Build()!;
    }

    /// <summary>
    /// Exports every ended span now (one request) and waits for the server's answer: the batch processor's flush
    /// returns once the export is handed to its worker thread, not when the answer arrives. True when every answer was 200.
    /// </summary>
    public async Task<bool> FlushAsync()
    {
        if (!_provider.ForceFlush(10_000)) return false;
        if (!await _answered.WaitAsync(TimeSpan.FromSeconds(10))) return false;
        lock (Answers) return Answers.All(a => a.StartsWith("200 ", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _provider.Dispose();
        Source.Dispose();
    }

    private sealed class Capture(HttpMessageHandler inner, bool json, List<byte[]> sent, List<string> answers, SemaphoreSlim answered, List<string> paths) : DelegatingHandler(inner)
    {
        // The exporter sends synchronously (HttpClient.Send) from its export thread; the in-memory test server only
        // answers asynchronously, so the sync path waits on the async one (that thread is the exporter's own).
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken ct) =>
            SendAsync(request, ct).GetAwaiter().GetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(ct);
            lock (sent) { sent.Add(body); paths.Add(request.RequestUri!.AbsolutePath); }
            if (json)
            {
                var otlpJson = OtlpHttp.ToOtlpJson(ExportTraceServiceRequest.Parser.ParseFrom(body));
                request.Content = new StringContent(otlpJson, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            }
            var response = await base.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            lock (answers) answers.Add($"{(int)response.StatusCode} {text}");
            answered.Release();
            return response;
        }
    }
}
