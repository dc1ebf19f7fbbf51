using System.Text.Json;
using System.Text.Json.Nodes;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Analysis;

/// <summary>
/// ADR 0034: a response or result that carries its request or call is read by every detector as the pair it stands for.
/// Each case is one session written twice through the API, once as request/response and call/result pairs and once
/// with each adjacent pair merged into one event (as OTLP spans are stored); both are analysed by the server and must
/// give the same findings, the pairs' seqs mapped to the merged event that holds them.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CarriedRequestsFindTheSame(AppFixture app)
{
    public static TheoryData<string> Cases() => new(
        "loop.repeated_call",
        "tool_error.retries_exhausted", "tool_error.recovered", "tool_error.carried_on", "tool_error.near_miss",
        "context_overflow.positive", "context_overflow.near_miss", ConfirmedOverflow,
        "empty_output.request_format", "empty_output.positive", "empty_output.near_miss",
        "llm_error.positive", "retry_storm.positive", "unhandled_error.positive");

    /// <summary>An oversized request answered at once by the provider's context-length error: one merged event is both.</summary>
    private const string ConfirmedOverflow = "inline.confirmed_overflow";

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task a_session_written_as_merged_events_gets_the_findings_of_the_same_session_written_as_pairs(string name)
    {
        var (pairs, metadata) = Load(name);
        var (merged, seqOf) = Merge(pairs);
        Assert.True(merged.Count < pairs.Count, $"{name}: nothing to merge, so the case proves nothing");

        var client = await app.NewClientAsync();
        var fromPairs = await FindingsAsync(client, pairs, metadata);
        var fromMerged = await FindingsAsync(client, merged, metadata);

        if (!name.EndsWith(".near_miss", StringComparison.Ordinal)) Assert.NotEmpty(fromPairs);
        Assert.Equal(fromPairs.Select(f => f with
        {
            CriticalStep = seqOf[f.CriticalStep],
            Evidence = string.Join(",", f.Evidence.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => seqOf[long.Parse(s)]).Distinct().Order()),
        }), fromMerged);
    }

    private sealed record Seen(string Detector, string Label, decimal Confidence, long CriticalStep, string Evidence, string Fingerprint);

    private static async Task<List<Seen>> FindingsAsync(TestClient client, List<JsonObject> events, JsonElement? metadata)
    {
        var id = await client.CreateSession(extra: metadata is { } m ? new { metadata = m } : null);
        var appended = await client.Append(id, events.Cast<object>().ToArray());
        Assert.True(appended.Status == 200 && appended.Body.GetProperty("accepted").GetInt32() == events.Count, appended.Text);
        var analysis = await client.Post($"/api/traces/{id}/analyze", "{}");
        Assert.Equal(200, analysis.Status);
        return analysis.Body.GetProperty("findings").EnumerateArray().Select(f => new Seen(
            f.GetProperty("detector").GetString()!, f.GetProperty("label").GetString()!, f.GetProperty("confidence").GetDecimal(),
            f.GetProperty("critical_step").GetInt64(),
            string.Join(",", f.GetProperty("evidence_seqs").EnumerateArray().Select(s => s.GetInt64())),
            f.GetProperty("fingerprint").GetString()!)).ToList();
    }

    private static (List<JsonObject> Events, JsonElement? Metadata) Load(string name)
    {
        if (name == ConfirmedOverflow)
            return ([
                Event(1, "agent.step", """{"step": 1}"""),
                Event(2, "llm.request", """{"model": "gpt-4o", "input_tokens": 130000}"""),
                Event(3, "llm.response", """{"model": "gpt-4o", "error": {"type": "context_length_exceeded", "message": "maximum context length is 128000 tokens"}}"""),
                Event(4, "session.ended", """{"status": "error"}"""),
            ], null);
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(GoldenFixture.OutputDir, name + ".events.json")))!;
        Assert.Null(root["settings"]); // the server analyses with the default settings
        var metadata = root["metadata"] is { } m ? JsonSerializer.SerializeToElement(m) : (JsonElement?)null;
        return (root["events"]!.AsArray().Select(e => e!.DeepClone().AsObject()).ToList(), metadata);
    }

    private static JsonObject Event(long seq, string type, string payload) =>
        new() { ["seq"] = seq, ["type"] = type, ["payload"] = JsonNode.Parse(payload) };

    /// <summary>
    /// Each llm.request directly followed by an llm.response, and each tool.call directly followed by the tool.result with
    /// its call_id, becomes the response or result carrying the request or call. Each later seq moves down by the number
    /// of events merged away before it, so gaps (which seq windows see) stay as they were.
    /// </summary>
    private static (List<JsonObject> Events, Dictionary<long, long> SeqOf) Merge(List<JsonObject> pairs)
    {
        var merged = new List<JsonObject>();
        var seqOf = new Dictionary<long, long>();
        long mergedAway = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var e = pairs[i];
            var next = i + 1 < pairs.Count ? pairs[i + 1] : null;
            var seq = (long)e["seq"]! - mergedAway;
            seqOf[(long)e["seq"]!] = seq;
            var field = (string?)e["type"] switch
            {
                "llm.request" when (string?)next?["type"] == "llm.response" => "request",
                "tool.call" when (string?)next?["type"] == "tool.result"
                                 && (string?)next["payload"]!["call_id"] == (string?)e["payload"]!["call_id"] => "call",
                _ => null,
            };
            if (field is null)
            {
                merged.Add(Renumbered(e, seq));
                continue;
            }
            var carrier = Renumbered(next!, seq);
            carrier["payload"]![field] = e["payload"]!.DeepClone();
            carrier["payload"]!["started_at"] = "2026-01-01T00:00:00Z";
            merged.Add(carrier);
            seqOf[(long)next!["seq"]!] = seq;
            mergedAway++;
            i++;
        }
        return (merged, seqOf);
    }

    private static JsonObject Renumbered(JsonObject e, long seq)
    {
        var copy = e.DeepClone().AsObject();
        copy["seq"] = seq;
        return copy;
    }
}
