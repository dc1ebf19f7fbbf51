using System.Text.Json;
using Tracing.Domain.Analysis;
using Xunit;

namespace Tracing.Tests.Analysis;

public class AnalysisModelTests
{
    [Fact]
    public void a_finding_is_canonical_whatever_the_detector_passed()
    {
        var f = new Finding("d", "l", 0.8m, 5, [9, 5, 7, 5], "fp", "s");
        Assert.Equal([5L, 7, 9], f.EvidenceSeqs);
        Assert.Equal("0.800", f.Confidence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.667m, new Finding("d", "l", 2m / 3m, 1, [], "fp", "s").Confidence);
        Assert.Equal(1.000m, new Finding("d", "l", 7m, 1, [], "fp", "s").Confidence);
    }

    [Fact]
    public void runaway_evidence_keeps_the_first_seqs_and_the_last()
    {
        var f = new Finding("d", "l", 1m, 1, [.. Enumerable.Range(1, 5000).Select(i => (long)i)], "fp", "s");
        Assert.Equal(Finding.MaxEvidence, f.EvidenceSeqs.Length);
        Assert.Equal(99L, f.EvidenceSeqs[^2]);
        Assert.Equal(5000L, f.EvidenceSeqs[^1]);
    }

    [Theory]
    [InlineData("{\"max_steps\": 12, \"output_format\": \"JSON\"}", 12, true)]
    [InlineData("{\"max_steps\": 0}", null, false)]
    [InlineData("{\"max_steps\": \"12\"}", null, false)]
    [InlineData("{\"max_steps\": 1.5}", null, false)]
    [InlineData("[]", null, false)]
    public void session_context_reads_only_well_formed_declarations(string metadata, int? maxSteps, bool json)
    {
        var ctx = SessionContext.FromMetadata(JsonDocument.Parse(metadata).RootElement);
        Assert.Equal(new SessionContext(maxSteps, json), ctx);
    }

    [Fact]
    public void canonical_json_ignores_key_order_and_whitespace()
    {
        var a = JsonDocument.Parse("{\"b\": [1, {\"y\": 2, \"x\": \"\\u0041\"}], \"a\": null}").RootElement;
        var b = JsonDocument.Parse("{\"a\":null,\"b\":[1,{\"x\":\"A\",\"y\":2}]}").RootElement;
        Assert.Equal(CanonicalJson.Of(a), CanonicalJson.Of(b));
        Assert.Equal("{\"a\":null,\"b\":[1,{\"x\":\"A\",\"y\":2}]}", CanonicalJson.Of(a));
    }

    [Theory]
    [InlineData("rate_limit_error", "x", true)]
    [InlineData("HTTPError", "HTTP 429 from upstream", true)]
    [InlineData("ValueError", "bad input for req_4290", false)]
    [InlineData("Overloaded", "server overloaded", true)]
    [InlineData("ValueError", "bad input", false)]
    public void retry_signals_are_recognised_by_type_or_message(string type, string message, bool expected) =>
        Assert.Equal(expected, ErrorClass.IsRetrySignal(new ErrorInfo(type, message)));

    [Fact]
    public void empty_session_has_no_findings_and_last_seq_zero()
    {
        var set = new DetectorSet();
        var result = set.Analyze([], SessionContext.None);
        Assert.Empty(result.Findings);
        Assert.Equal(0, result.LastSeq);
        Assert.Equal(set.Version, result.DetectorVersion);
    }
}
