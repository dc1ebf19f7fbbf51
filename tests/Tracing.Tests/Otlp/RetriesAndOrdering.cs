using Tracing.Tests.Support;
using Tracing.Api.Otlp.Proto;
using Xunit;
using static Tracing.Tests.Otlp.Spans;

namespace Tracing.Tests.Otlp;

[Collection(ApiCollection.Name)]
public sealed class RetriesAndOrdering(AppFixture app)
{
    [Fact]
    public async Task spans_of_one_request_get_seqs_in_start_time_order_and_a_root_end_comes_last()
    {
        var client = await app.NewClientAsync();
        var (trace, root, chat, tool) = (TraceId(), SpanId(), SpanId(), SpanId());
        // Sent in end order, as batch processors do: children first, the root last.
        var request = Request(
            New(trace, tool, "execute_tool", 30, 40, root, ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "grep")),
            New(trace, chat, "chat", 10, 20, root, ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "m")),
            New(trace, root, "invoke_agent", 0, 50, null, ("gen_ai.operation.name", "invoke_agent")));
        Assert.Equal(200, (await OtlpHttp.ProtobufAsync(app, client.Token, request)).Status);

        var events = await client.ReadAll(trace);
        Assert.Equal(["agent.step", "llm.response", "tool.result", "session.ended"],
            events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([root, chat, tool, root], events.Select(e => e.GetProperty("span_id").GetString()));
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task a_retried_export_is_stored_once_even_when_the_retries_race()
    {
        var client = await app.NewClientAsync();
        var (trace, root) = (TraceId(), SpanId());
        var request = Request(
            New(trace, SpanId(), "chat", 1, 2, root, ("gen_ai.operation.name", "chat"), ("gen_ai.usage.output_tokens", 7)),
            New(trace, root, "invoke_agent", 0, 3));

        Assert.Equal(200, (await OtlpHttp.ProtobufAsync(app, client.Token, request)).Status);
        var retries = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OtlpHttp.ProtobufAsync(app, client.Token, request)));
        Assert.All(retries, r => Assert.True(r.Status == 200, $"{r.Status}: {System.Text.Encoding.UTF8.GetString(r.Body)}"));
        Assert.All(retries, r => Assert.Null(r.Response.PartialSuccess));

        var copies = await CopiesByKeyAsync(client, trace);
        Assert.Equal(3, copies.Count); // step, response (carrying its request), end
        Assert.All(copies, c => Assert.Equal(1, c.Copies));
        Assert.Equal([1L, 2, 3], (await client.ReadAll(trace)).Select(e => e.GetProperty("seq").GetInt64()));

        // Racing first deliveries too: the same new export sent four times at once, a few times over (the session is
        // created by whichever export gets there first; the others must find it, not fail).
        for (var round = 0; round < 5; round++)
        {
            var (trace2, root2) = (TraceId(), SpanId());
            var fresh = Request(New(trace2, root2, "invoke_agent", 0, 3));
            var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ExportAsAnSdkWould(client, fresh)));
            Assert.All(racing, r => Assert.True(r.Status == 200, $"{r.Status}: {System.Text.Encoding.UTF8.GetString(r.Body)}"));
            Assert.All(await CopiesByKeyAsync(client, trace2), c => Assert.Equal(1, c.Copies));
            Assert.Equal(2, (await client.ReadAll(trace2)).Count);
        }
    }

    [Fact]
    public async Task a_span_resent_with_other_content_is_refused_not_overwritten()
    {
        var client = await app.NewClientAsync();
        var (trace, span) = (TraceId(), SpanId());
        Assert.Equal(200, (await OtlpHttp.ProtobufAsync(app, client.Token, Request(New(trace, span, "step", 0, 1, SpanId())))).Status);
        var changed = await OtlpHttp.ProtobufAsync(app, client.Token, Request(New(trace, span, "renamed step", 0, 1, SpanId())));
        Assert.Equal(200, changed.Status);
        Assert.Equal(1, changed.Response.PartialSuccess.RejectedSpans);
        Assert.Contains("idempotency_key was already used", changed.Response.PartialSuccess.ErrorMessage);
        var events = await client.ReadAll(trace);
        Assert.Equal("step", Assert.Single(events).GetProperty("payload").GetProperty("span_name").GetString());
    }

    [Fact]
    public async Task a_retry_of_a_span_stored_before_one_event_a_span_is_refused_as_a_conflict_never_stored_twice()
    {
        // Before ADR 0034 a chat span was stored as llm.request (role "request") + llm.response (role "response"). The
        // merged event keeps the role "response", so a retry across the upgrade meets the stored key with other content.
        var client = await app.NewClientAsync();
        var (trace, span) = (TraceId(), SpanId());
        await client.CreateSession(trace);
        var before = await client.Append(trace,
            new { seq = 1, type = "llm.request", payload = new { model = "m" }, idempotency_key = $"otlp:{trace}:{span}:request" },
            new { seq = 2, type = "llm.response", payload = new { model = "m" }, idempotency_key = $"otlp:{trace}:{span}:response" });
        Assert.Equal(200, before.Status);

        var retry = await OtlpHttp.ProtobufAsync(app, client.Token,
            Request(New(trace, span, "chat", 0, 5, SpanId(), ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "m"))));
        Assert.Equal(200, retry.Status);
        Assert.Equal(1, retry.Response.PartialSuccess.RejectedSpans);
        Assert.Contains("idempotency_key was already used", retry.Response.PartialSuccess.ErrorMessage);
        Assert.Equal(["llm.request", "llm.response"], (await client.ReadAll(trace)).Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task concurrent_exports_to_one_session_get_distinct_gapless_seqs()
    {
        var client = await app.NewClientAsync();
        var session = "chat-" + Guid.NewGuid().ToString("N")[..8];
        // Twelve writers on one stream: the last needs up to twelve optimistic rounds, more than the appender's bound, so
        // some may be answered 503 + Retry-After; each writer resends on 503 as OTLP clients do.
        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            var request = Request(New(TraceId(), SpanId(), $"turn {i}", i, i + 1, SpanId(), ("session.id", session)));
            for (var attempt = 1; ; attempt++)
            {
                var reply = await OtlpHttp.ProtobufAsync(app, client.Token, request);
                if (reply.Status != 503 || attempt == 10) return reply;
                Assert.Equal("1", reply.Headers["Retry-After"]);
            }
        }));
        Assert.All(replies, r => Assert.Equal(200, r.Status));

        var events = await client.ReadAll(session);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), events.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(12, events.Select(e => e.GetProperty("payload").GetProperty("span_name").GetString()).Distinct().Count());
    }

    /// <summary>
    /// One export as an OTLP SDK sends it: a 503 is retryable by the protocol, so it must carry Retry-After and store
    /// nothing twice; the SDK then sends the same bytes again (the one resend must succeed). A race between first
    /// deliveries of a new session was seen answering one such 503 under a loaded full suite.
    /// </summary>
    private async Task<OtlpReply> ExportAsAnSdkWould(TestClient client, ExportTraceServiceRequest request)
    {
        var reply = await OtlpHttp.ProtobufAsync(app, client.Token, request);
        if (reply.Status != 503) return reply;
        Assert.True(reply.Headers.ContainsKey("Retry-After"), "a 503 without Retry-After");
        return await OtlpHttp.ProtobufAsync(app, client.Token, request);
    }
}
