using System.Text.Json;
using Tracing.Domain.Analysis;
using Tracing.Domain.Events;
using Xunit;

namespace Tracing.Tests.Analysis;

/// <summary>Detectors read what is there: wrong shapes are ignored, never thrown on.</summary>
public class MalformedPayloadTests
{
    [Fact]
    public void wrong_shapes_and_missing_payloads_do_not_throw()
    {
        List<TraceEventRecorded> events =
        [
            TraceEvents.Of(1, EventTypes.ToolCall, "[1, 2]"),
            TraceEvents.Of(2, EventTypes.ToolResult, "{\"ok\": \"no\", \"error\": \"boom\"}"),
            TraceEvents.Of(3, EventTypes.ToolResult, "{\"tool\": 5, \"ok\": false, \"output\": {\"a\": 1}}"),
            TraceEvents.Of(4, EventTypes.LlmRequest, "{\"model\": 4, \"input_tokens\": \"huge\", \"response_format\": [\"json\"]}"),
            TraceEvents.Of(5, EventTypes.LlmResponse, "{\"content\": 42, \"finish_reason\": 7, \"usage\": \"x\", \"error\": []}"),
            TraceEvents.Of(6, EventTypes.LlmResponse, "{\"content\": [null, 3, {\"text\": 1}], \"error\": {\"type\": 1, \"message\": {}}}"),
            TraceEvents.Of(7, EventTypes.Error, "\"just a string\""),
            TraceEvents.Of(8, EventTypes.AgentStep, "null"),
            TraceEvents.Of(9, EventTypes.SessionEnded, "{\"status\": [\"error\"]}"),
            new TraceEventRecorded("s", 10, "k", EventTypes.ToolCall, null, null, null, default, DateTimeOffset.UnixEpoch, ""),
            new TraceEventRecorded("s", 11, "k2", EventTypes.LlmResponse, null, null, null, default, DateTimeOffset.UnixEpoch, ""),
        ];

        var result = new DetectorSet().Analyze(events, new SessionContext(MaxSteps: 1, ExpectsJsonOutput: true));

        Assert.Equal(11, result.LastSeq);
        // What is there is still read: the failed results at seq 2 (an error that is a string) and seq 3 (a number where
        // the tool name belongs) are a tool error, the second one a failed retry of the first.
        var toolError = Assert.Single(result.Findings, f => f.Detector == "tool_error" && f.CriticalStep == 2);
        Assert.Contains(3L, toolError.EvidenceSeqs);
        // Every finding is well formed, whatever the payloads held.
        Assert.All(result.Findings, f =>
        {
            Assert.InRange(f.CriticalStep, 1, 11);
            Assert.All(f.EvidenceSeqs, s => Assert.InRange(s, 1, 11));
            Assert.Matches("^[0-9a-f]{16}$", f.Fingerprint);
            Assert.InRange(f.Confidence, 0m, 1m);
            Assert.False(string.IsNullOrWhiteSpace(f.Summary));
        });
        using var json = JsonDocument.Parse(AnalysisJson.Serialize(result));
        Assert.Equal(11, json.RootElement.GetProperty("last_seq").GetInt64());
        Assert.Equal(result.Findings.Count, json.RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void metadata_of_the_wrong_shape_declares_nothing() =>
        Assert.Equal(SessionContext.None, SessionContext.FromMetadata(JsonDocument.Parse("\"max_steps=3\"").RootElement));
}
