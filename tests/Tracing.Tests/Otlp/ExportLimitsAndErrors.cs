using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Tracing.Api.Otlp.Proto;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Otlp.Spans;

namespace Tracing.Tests.Otlp;

[Collection(ApiCollection.Name)]
public sealed class ExportLimitsAndErrors(AppFixture app)
{
    private static ExportTraceServiceRequest OneStep(string traceId, out string spanId)
    {
        spanId = SpanId();
        return Request(New(traceId, spanId, "plan", 0, 5));
    }

    [Theory]
    [InlineData("0", "1024")]
    [InlineData("2048", "1024")] // inflated cap below the sent one
    [InlineData("1024", "4294967296")] // past the largest array a body is held in
    public void limits_that_cannot_hold_a_body_are_refused_at_start(string body, string inflated)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tracing:Otlp:MaxBodyBytes"] = body, ["Tracing:Otlp:MaxDecompressedBytes"] = inflated,
        }).Build();
        Assert.Throws<InvalidOperationException>(() => Tracing.Api.Otlp.OtlpOptions.From(config));
    }

    [Fact]
    public void the_default_limits_are_accepted() =>
        Assert.Equal(8 * 1024 * 1024, Tracing.Api.Otlp.OtlpOptions.From(new ConfigurationBuilder().Build()).MaxBodyBytes);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task a_gzip_body_is_accepted_in_both_encodings(bool json)
    {
        var client = await app.NewClientAsync();
        var trace = TraceId();
        var request = OneStep(trace, out _);
        var reply = json
            ? await OtlpHttp.JsonAsync(app, client.Token, OtlpHttp.ToOtlpJson(request), gzip: true)
            : await OtlpHttp.ProtobufAsync(app, client.Token, request, gzip: true);

        Assert.Equal(200, reply.Status);
        Assert.StartsWith(json ? "application/json" : "application/x-protobuf", reply.ContentType);
        Assert.Null(reply.Response.PartialSuccess);
        Assert.Equal(["agent.step", "session.ended"], (await client.ReadAll(trace)).Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task oversized_exports_are_413_before_and_after_decompression_and_beyond_the_span_cap()
    {
        var client = await app.NewClientAsync();
        var sent = await OtlpHttp.PostAsync(app, client.Token, new byte[8 * 1024 * 1024 + 1], "application/x-protobuf");
        Assert.Equal(413, sent.Status);
        Assert.Equal("application/problem+json", sent.ContentType);

        // 33 MiB of zeros gzip to a few KiB: the cap after decompression catches it.
        var bomb = OtlpHttp.Gzip(new byte[33 * 1024 * 1024]);
        Assert.True(bomb.Length < 1024 * 1024);
        var inflated = await PostRaw(client, bomb, "application/x-protobuf", "gzip");
        Assert.Equal(413, inflated.Status);
        Assert.Contains("after decompression", inflated.Problem.GetProperty("detail").GetString());

        var trace = TraceId();
        var many = Request(Enumerable.Range(0, 5001).Select(i => New(trace, SpanId(), "s", i, i + 1, SpanId())).ToArray());
        var tooMany = await OtlpHttp.ProtobufAsync(app, client.Token, many);
        Assert.Equal(413, tooMany.Status);
        Assert.Contains("5000 spans", tooMany.Problem.GetProperty("detail").GetString());
        Assert.Equal(404, (await client.Get($"/api/traces/{trace}")).Status); // nothing stored, not even the session
    }

    [Fact]
    public async Task a_body_of_undeclared_length_is_read_to_the_cap_and_refused_past_it()
    {
        // A streamed (chunked) export declares no Content-Length, so the server cannot size its buffer up front: it reads
        // to the end, within the cap, and answers as for any export.
        var client = await app.NewClientAsync();
        var trace = TraceId();
        var ok = await PostRaw(client, OneStep(trace, out _).ToByteArray(), "application/x-protobuf", null, declareLength: false);
        Assert.Equal(200, ok.Status);
        Assert.Equal(["agent.step", "session.ended"], (await client.ReadAll(trace)).Select(e => e.GetProperty("type").GetString()));

        var tooBig = await PostRaw(client, new byte[8 * 1024 * 1024 + 1], "application/x-protobuf", null, declareLength: false);
        Assert.Equal(413, tooBig.Status);
        Assert.Contains("sent", tooBig.Problem.GetProperty("detail").GetString());
    }

    /// <summary>Content that does not know its length: sent without Content-Length, as a streaming exporter does.</summary>
    private sealed class UnsizedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private async Task<OtlpReply> PostRaw(TestClient client, byte[] body, string contentType, string? encoding, bool declareLength = true)
    {
        using var http = app.Host.Server.CreateClient();
        HttpContent content = declareLength ? new ByteArrayContent(body) : new UnsizedContent(body);
        content.Headers.ContentType = new(contentType);
        if (encoding is not null) content.Headers.ContentEncoding.Add(encoding);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = content };
        request.Headers.Authorization = new("Bearer", client.Token);
        using var response = await http.SendAsync(request);
        return new OtlpReply((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(),
            response.Content.Headers.ContentType?.ToString() ?? "", new Dictionary<string, string>());
    }

    [Theory]
    [InlineData("application/x-protobuf", "\u00ff\u00ff\u00ff\u00ff garbage", null, 400)]
    [InlineData("application/json", "{\"resourceSpans\": [", null, 400)]
    [InlineData("application/json", "[1, 2]", null, 400)]
    [InlineData("application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"not-hex!\",\"spanId\":\"0102030405060708\"}]}]}]}", null, 400)]
    [InlineData("application/json", "{\"resourceSpans\": [], \"resourceSpans\": []}", null, 400)]
    [InlineData("application/x-protobuf", "not gzip at all", "gzip", 400)]
    [InlineData("text/plain", "hello", null, 415)]
    [InlineData("application/x-protobuf", "", "br", 415)]
    public async Task undecodable_bodies_are_400_and_unsupported_types_415_and_nothing_is_stored(string type, string body, string? encoding, int status)
    {
        var client = await app.NewClientAsync();
        var reply = await PostRaw(client, Encoding.Latin1.GetBytes(body), type, encoding);
        Assert.Equal(status, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal(status, reply.Problem.GetProperty("status").GetInt32());
        Assert.Empty(await Database.QueryAsync($"select 1 from {AppFixture.Schema}.mt_events where tenant_id = $1", r => 1, client.Workspace));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task refused_spans_are_reported_as_partial_success_and_the_rest_is_stored(bool json)
    {
        var client = await app.NewClientAsync();
        var trace = TraceId();
        var good = New(trace, SpanId(), "plan", 0, 5);
        var badTrace = New(trace, SpanId(), "short trace id", 1, 2);
        badTrace.TraceId = ByteString.CopyFrom(1, 2, 3);
        var badSession = New(trace, SpanId(), "bad session", 2, 3, null, ("session.id", "not a valid id/with slash"));
        var nul = New(trace, SpanId(), "nul", 3, 4, null, ("app.note", "a\u0000b"));
        var request = Request(good, badTrace, badSession, nul);

        var reply = json
            ? await OtlpHttp.JsonAsync(app, client.Token, OtlpHttp.ToOtlpJson(request))
            : await OtlpHttp.ProtobufAsync(app, client.Token, request);

        Assert.Equal(200, reply.Status);
        var partial = reply.Response.PartialSuccess;
        Assert.Equal(3, partial.RejectedSpans);
        Assert.Contains("trace_id must be 16 bytes", partial.ErrorMessage);
        Assert.Contains("session id", partial.ErrorMessage);
        Assert.Contains("NUL", partial.ErrorMessage);
        if (json) Assert.Contains("\"partialSuccess\"", Encoding.UTF8.GetString(reply.Body));
        await app.WaitForProjectionsAsync();
        Assert.Equal("test-service", (await client.Get($"/api/traces/{trace}")).Body.GetProperty("agent").GetString());
        Assert.Equal(["agent.step", "session.ended"], (await client.ReadAll(trace)).Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task a_service_name_holding_nul_leaves_the_agent_unnamed_instead_of_failing()
    {
        var client = await app.NewClientAsync();
        var trace = TraceId();
        var request = Request(New(trace, SpanId(), "plan", 0, 5));
        request.ResourceSpans[0].Resource.Attributes.Clear();
        request.ResourceSpans[0].Resource.Attributes.Add(Kv("service.name", "bad\u0000name"));
        var reply = await OtlpHttp.ProtobufAsync(app, client.Token, request);
        Assert.Equal(200, reply.Status);
        Assert.Null(reply.Response.PartialSuccess);
        await app.WaitForProjectionsAsync();
        var session = await client.Get($"/api/traces/{trace}");
        Assert.Equal(200, session.Status);
        Assert.False(session.Body.TryGetProperty("agent", out var agent) && agent.ValueKind == System.Text.Json.JsonValueKind.String);
    }

    [Fact]
    public async Task credentials_decide_the_workspace_and_project_and_everything_else_is_refused()
    {
        var owner = await app.NewClientAsync();
        var request = OneStep(TraceId(), out _);
        var trace = Convert.ToHexStringLower(request.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span);

        Assert.Equal(401, (await OtlpHttp.ProtobufAsync(app, null, request)).Status);
        Assert.Equal(401, (await OtlpHttp.ProtobufAsync(app, "trk_not_a_key", request)).Status);
        var readOnly = await app.NewClientAsync(owner.Workspace, scopes: ["traces:read"]);
        Assert.Equal(403, (await OtlpHttp.ProtobufAsync(app, readOnly.Token, request)).Status);
        var console = app.ConsoleClient(owner.Workspace, "admin");
        Assert.Equal(403, (await OtlpHttp.ProtobufAsync(app, console.Token, request)).Status);
        var elsewhere = await OtlpHttp.ProtobufAsync(app, owner.Token, request, headers: new Dictionary<string, string> { ["X-Tracing-Project"] = "other" });
        Assert.Equal(403, elsewhere.Status);
        Assert.Equal(404, (await owner.Get($"/api/traces/{trace}")).Status); // none of those stored anything

        // Attributes that name a workspace or project are data, not routing.
        request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes.Add(Kv("tracing.workspace", "ws-other"));
        request.ResourceSpans[0].Resource.Attributes.Add(Kv("tracing.project", "other"));
        Assert.Equal(200, (await OtlpHttp.ProtobufAsync(app, owner.Token, request)).Status);
        Assert.Equal(200, (await owner.Get($"/api/traces/{trace}")).Status);

        var stranger = await app.NewClientAsync();
        Assert.Equal(404, (await stranger.Get($"/api/traces/{trace}")).Status);
        Assert.Equal(404, (await stranger.Get($"/api/traces/{trace}/events")).Status);
        var sameWorkspaceOtherProject = await app.NewClientAsync(owner.Workspace, project: "other");
        Assert.Equal(404, (await sameWorkspaceOtherProject.Get($"/api/traces/{trace}")).Status);
    }
}
