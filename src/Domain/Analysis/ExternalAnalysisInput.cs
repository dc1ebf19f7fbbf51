using System.Text.Json;

namespace Tracing.Domain.Analysis;

/// <summary>A validated PUT /api/traces/{id}/analysis body: results of a trusted server-side analysis workflow.</summary>
public sealed record ExternalAnalysisInput(string DetectorVersion, long LastSeq, IReadOnlyList<Finding> Findings, IReadOnlyList<string> IncidentLinks)
{
    public const int MaxFindings = 1000;

    /// <summary>Pure: JSON in, an input or (field, message) out.</summary>
    public static (ExternalAnalysisInput? Input, string? Field, string? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return Fail("body", "body must be a JSON object");
        if (!Text(body, "detector_version", 100, out var version)) return Fail("detector_version", "detector_version is required (1-100 characters)");
        if (!body.TryGetProperty("last_seq", out var ls) || ls.ValueKind != JsonValueKind.Number || !ls.TryGetInt64(out var lastSeq) || lastSeq < 0)
            return Fail("last_seq", "last_seq is required and must be an integer >= 0");
        if (!body.TryGetProperty("findings", out var fs) || fs.ValueKind != JsonValueKind.Array)
            return Fail("findings", "findings is required and must be an array");
        if (fs.GetArrayLength() > MaxFindings) return Fail("findings", $"at most {MaxFindings} findings");

        var findings = new List<Finding>();
        var i = 0;
        foreach (var f in fs.EnumerateArray())
        {
            var (finding, error) = ParseFinding(f);
            if (finding is null) return Fail($"findings[{i}]", error!);
            findings.Add(finding);
            i++;
        }

        var links = new List<string>();
        if (body.TryGetProperty("incident_links", out var ls2) && ls2.ValueKind != JsonValueKind.Null)
        {
            if (ls2.ValueKind != JsonValueKind.Array || ls2.EnumerateArray().Any(l => l.ValueKind != JsonValueKind.String || l.GetString()!.Length is 0 or > 200))
                return Fail("incident_links", "incident_links must be an array of strings (1-200 characters)");
            links.AddRange(ls2.EnumerateArray().Select(l => l.GetString()!).Distinct().Order(StringComparer.Ordinal));
        }
        return (new ExternalAnalysisInput(version, lastSeq, findings.Order(FindingOrder.Instance).ToList(), links), null, null);
    }

    private static (Finding?, string?) ParseFinding(JsonElement f)
    {
        if (f.ValueKind != JsonValueKind.Object) return (null, "must be an object");
        if (!Text(f, "detector", 64, out var detector)) return (null, "detector is required (1-64 characters)");
        if (!Text(f, "label", 64, out var label)) return (null, "label is required (1-64 characters)");
        if (!f.TryGetProperty("confidence", out var c) || c.ValueKind != JsonValueKind.Number || !c.TryGetDecimal(out var confidence) || confidence is < 0 or > 1)
            return (null, "confidence must be a number from 0 to 1");
        if (!f.TryGetProperty("critical_step", out var cs) || cs.ValueKind != JsonValueKind.Number || !cs.TryGetInt64(out var critical) || critical < 0)
            return (null, "critical_step must be an integer >= 0");
        var evidence = new List<long>();
        if (f.TryGetProperty("evidence_seqs", out var ev) && ev.ValueKind != JsonValueKind.Null)
        {
            if (ev.ValueKind != JsonValueKind.Array) return (null, "evidence_seqs must be an array of integers");
            foreach (var e in ev.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var seq) || seq < 0) return (null, "evidence_seqs must be an array of integers >= 0");
                evidence.Add(seq);
            }
        }
        if (!Text(f, "fingerprint", 128, out var fingerprint)) return (null, "fingerprint is required (1-128 characters)");
        if (!Text(f, "summary", 2000, out var summary)) return (null, "summary is required (1-2000 characters)");
        return (new Finding(detector, label, confidence, critical, [.. evidence], fingerprint, summary), null);
    }

    private static bool Text(JsonElement o, string name, int max, out string value)
    {
        value = "";
        if (!o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) return false;
        value = v.GetString()!;
        return value.Length > 0 && value.Length <= max && !value.Contains('\0');
    }

    private static (ExternalAnalysisInput?, string?, string?) Fail(string field, string error) => (null, field, error);
}
